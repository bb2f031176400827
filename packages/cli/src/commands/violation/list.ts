import type { CliContext } from '../../context.js'
import { VIOLATION_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link violationList}. */
export interface ViolationListInput extends GlobalOptions, ListOptions {
  license?: string
  kind?: string
}

/**
 * Lists violations reported by clients (over limit, clock tampering, …).
 *
 * @example
 * ```ts
 * const { data } = await violationList({ license: 'lic_123' }, ctx)
 * ```
 */
export async function violationList(
  input: ViolationListInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const page = await fetchList(
    await apiClient(input, ctx),
    '/v1/admin/violations',
    { licenseId: input.license, kind: input.kind },
    input,
  )
  return pageResult(page, VIOLATION_COLUMNS)
}

export const violationListCommand = defineCommand<ViolationListInput>({
  path: ['violation', 'list'],
  summary: 'List violations reported by clients',
  options: (cmd) => {
    cmd
      .option('--license <id>', 'only this license')
      .option('--kind <kind>', 'only this kind, e.g. over_limit')
    listFlags(cmd)
  },
  examples: [
    'tollgate violation list',
    'tollgate violation list --license lic_123 --kind clock_tampered --json',
  ],
  run: violationList,
})
