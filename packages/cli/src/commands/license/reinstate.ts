import type { CliContext } from '../../context.js'
import { licenseAction } from '../../lib/license-action.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseReinstate}. */
export interface LicenseReinstateInput extends GlobalOptions {
  id: string
  reason?: string
}

/**
 * Reinstates a suspended license.
 *
 * @example
 * ```ts
 * await licenseReinstate({ id: 'lic_123' }, ctx)
 * ```
 */
export async function licenseReinstate(
  input: LicenseReinstateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const license = await licenseAction(
    input,
    ctx,
    'reinstate',
    input.reason ? { reason: input.reason } : {},
  )
  return changedResult(license, `Reinstated ${input.id}.`)
}

export const licenseReinstateCommand = defineCommand<LicenseReinstateInput>({
  path: ['license', 'reinstate'],
  summary: 'Reinstate a suspended license',
  args: ['<id>'],
  options: (cmd) => cmd.option('--reason <text>', 'why (kept in the audit log)'),
  examples: ['tollgate license reinstate lic_123'],
  run: licenseReinstate,
})
