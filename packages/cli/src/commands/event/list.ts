import type { CliContext } from '../../context.js'
import { EVENT_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link eventList}. */
export interface EventListInput extends GlobalOptions, ListOptions {
  type?: string
  license?: string
}

/**
 * Lists lifecycle events (what webhooks deliver), newest first.
 *
 * @example
 * ```ts
 * const { data } = await eventList({ type: 'license.expired' }, ctx)
 * ```
 */
export async function eventList(input: EventListInput, ctx: CliContext): Promise<CommandResult> {
  const page = await fetchList(
    await apiClient(input, ctx),
    '/v1/admin/events',
    { type: input.type, licenseId: input.license },
    input,
  )
  return pageResult(page, EVENT_COLUMNS)
}

export const eventListCommand = defineCommand<EventListInput>({
  path: ['event', 'list'],
  summary: 'List lifecycle events',
  options: (cmd) => {
    cmd
      .option('--type <type>', 'only this event type, e.g. license.expired')
      .option('--license <id>', 'only events of this license')
    listFlags(cmd)
  },
  examples: [
    'tollgate event list --type license.expired',
    'tollgate event list --license lic_123 --json',
  ],
  run: eventList,
})
