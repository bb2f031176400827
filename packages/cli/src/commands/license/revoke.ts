import type { CliContext } from '../../context.js'
import { licenseAction } from '../../lib/license-action.js'
import { confirmOrAbort } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseRevoke}. */
export interface LicenseRevokeInput extends GlobalOptions {
  id: string
  /** Why (required: it goes into the audit log). */
  reason: string
  yes?: boolean
}

/**
 * Revokes a license for good. Online clients learn it at the next heartbeat; export a
 * revocation list (`tollgate revocations export`) for air-gapped sites.
 *
 * @example
 * ```ts
 * await licenseRevoke({ id: 'lic_123', reason: 'refund', yes: true }, ctx)
 * ```
 */
export async function licenseRevoke(
  input: LicenseRevokeInput,
  ctx: CliContext,
): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Revoke license ${input.id}? This cannot be undone.`)
  const license = await licenseAction(input, ctx, 'revoke', { reason: input.reason })
  return changedResult(
    license,
    `Revoked ${input.id}. Air-gapped sites: run \`tollgate revocations export <file>\`.`,
  )
}

export const licenseRevokeCommand = defineCommand<LicenseRevokeInput>({
  path: ['license', 'revoke'],
  summary: 'Revoke a license permanently',
  args: ['<id>'],
  destructive: true,
  options: (cmd) => cmd.requiredOption('--reason <text>', 'why (kept in the audit log)'),
  examples: [
    'tollgate license revoke lic_123 --reason "chargeback"',
    'tollgate license revoke lic_123 --reason "duplicate" --yes',
  ],
  run: licenseRevoke,
})
