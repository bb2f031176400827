import type { CliContext } from '../../context.js'
import { USAGE_COLUMNS } from '../../lib/columns.js'
import { fetchList } from '../../lib/list.js'
import { dayArg } from '../../lib/parsers.js'
import { apiClient, seg } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link usageShow}. */
export interface UsageShowInput extends GlobalOptions {
  license: string
  metric?: string
  from?: string
  to?: string
}

/**
 * Shows a license's usage per metric and day.
 *
 * @example
 * ```ts
 * const { data } = await usageShow({ license: 'lic_123', metric: 'api_calls' }, ctx)
 * ```
 */
export async function usageShow(input: UsageShowInput, ctx: CliContext): Promise<CommandResult> {
  const page = await fetchList(
    await apiClient(input, ctx),
    `/v1/admin/licenses/${seg(input.license)}/usage`,
    { metric: input.metric, from: input.from, to: input.to },
    {},
  )
  return pageResult(page, USAGE_COLUMNS)
}

export const usageShowCommand = defineCommand<UsageShowInput>({
  path: ['usage', 'show'],
  summary: 'Show usage of a license per metric and day',
  options: (cmd) =>
    cmd
      .requiredOption('--license <id>', 'license id (lic_…)')
      .option('--metric <name>', 'only this metric')
      .option('--from <day>', 'from this UTC day (YYYY-MM-DD)', dayArg)
      .option('--to <day>', 'up to this UTC day (YYYY-MM-DD)', dayArg),
  examples: [
    'tollgate usage show --license lic_123',
    'tollgate usage show --license lic_123 --metric projects --from 2026-11-01 --json',
  ],
  run: usageShow,
})
