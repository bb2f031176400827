import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import type { Column } from '../../lib/output.js'
import { positiveInt } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link trialList}. */
export interface TrialListInput extends GlobalOptions {
  status?: string
  customer?: string
  before?: string
  limit?: number
}

const STATUSES = ['active', 'converted', 'expired']

const COLUMNS: Column[] = [
  { key: 'id', header: 'TRIAL' },
  { key: 'status', header: 'STATUS' },
  { key: 'email', header: 'EMAIL' },
  { key: 'customerId', header: 'CUSTOMER' },
  { key: 'licenseId', header: 'LICENSE' },
  { key: 'endsAt', header: 'ENDS' },
  { key: 'convertedAt', header: 'CONVERTED' },
]

/**
 * Lists trials, newest first: `--status active|converted|expired`, `--customer cus_…`, one page
 * of `--limit` (default 50); `--before <next>` fetches the following page.
 *
 * @example
 * ```ts
 * const { data } = await trialList({ status: 'active' }, ctx)
 * ```
 */
export async function trialList(input: TrialListInput, ctx: CliContext): Promise<CommandResult> {
  if (input.status !== undefined && !STATUSES.includes(input.status)) {
    throw new CliError('USAGE', `--status must be one of ${STATUSES.join(', ')}`)
  }
  const query = new URLSearchParams()
  if (input.status) query.set('status', input.status)
  if (input.customer) query.set('customerId', input.customer)
  if (input.before) query.set('before', input.before)
  if (input.limit) query.set('limit', String(input.limit))
  const qs = query.toString()
  const res = await (
    await apiClient(input, ctx)
  ).get<{ items: Record<string, unknown>[]; next: string | null }>(
    `/v1/admin/trials${qs ? `?${qs}` : ''}`,
  )
  return {
    data: res,
    blocks: [
      { type: 'table', columns: COLUMNS, rows: res.items },
      ...(res.next ? [{ type: 'text' as const, text: `More: --before ${res.next}` }] : []),
    ],
  }
}

export const trialListCommand = defineCommand<TrialListInput>({
  path: ['trial', 'list'],
  summary: 'List trials (active, converted, expired), newest first',
  options: (cmd) =>
    cmd
      .option('--status <status>', 'active | converted | expired')
      .option('--customer <id>', 'only this customer (cus_…)')
      .option('--before <id>', 'the next page: the `next` of the previous one')
      .option('--limit <n>', 'page size, 1 to 200 (default 50)', positiveInt),
  examples: [
    'tollgate trial list --status active',
    'tollgate trial list --customer cus_123 --json',
  ],
  run: trialList,
})
