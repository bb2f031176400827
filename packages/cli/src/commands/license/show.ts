import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { recordResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseShow}. */
export interface LicenseShowInput extends GlobalOptions {
  id: string
}

/**
 * Shows one license with every field.
 *
 * @example
 * ```ts
 * const { data } = await licenseShow({ id: 'lic_123' }, ctx)
 * ```
 */
export async function licenseShow(
  input: LicenseShowInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const license = await (
    await apiClient(input, ctx)
  ).get<Record<string, unknown>>(`/v1/admin/licenses/${seg(input.id)}`)
  return recordResult(license)
}

export const licenseShowCommand = defineCommand<LicenseShowInput>({
  path: ['license', 'show'],
  summary: 'Show a license',
  args: ['<id>'],
  examples: ['tollgate license show lic_123', 'tollgate license show lic_123 --json | jq .status'],
  run: licenseShow,
})
