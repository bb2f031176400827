import type { CliContext } from '../../context.js'
import { OUTBOX_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link outboxList}. */
export interface OutboxListInput extends GlobalOptions, ListOptions {
  status?: string
}

/**
 * Lists license-delivery messages to buyers (the key and how to install it), newest first.
 * Message bodies hold license keys and are never returned.
 *
 * @example
 * ```ts
 * const { data } = await outboxList({ status: 'failed' }, ctx)
 * ```
 */
export async function outboxList(input: OutboxListInput, ctx: CliContext): Promise<CommandResult> {
  const page = await fetchList(
    await apiClient(input, ctx),
    '/v1/admin/outbox',
    { status: input.status },
    input,
  )
  return pageResult(page, OUTBOX_COLUMNS)
}

export const outboxListCommand = defineCommand<OutboxListInput>({
  path: ['outbox', 'list'],
  summary: 'List license-delivery messages to buyers',
  options: (cmd) => {
    cmd.option('--status <status>', 'only pending, sent or failed messages')
    listFlags(cmd)
  },
  examples: ['tollgate outbox list', 'tollgate outbox list --status failed --json'],
  run: outboxList,
})
