import type { CliContext } from '../../context.js'
import { licenseAction } from '../../lib/license-action.js'
import { confirmOrAbort } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseSuspend}. */
export interface LicenseSuspendInput extends GlobalOptions {
  id: string
  /** Why (required: it goes into the audit log). */
  reason: string
  yes?: boolean
}

/**
 * Suspends a license (reversible with `reinstate`); clients learn it at the next heartbeat,
 * air-gapped sites from the next revocation list.
 *
 * @example
 * ```ts
 * await licenseSuspend({ id: 'lic_123', reason: 'invoice overdue', yes: true }, ctx)
 * ```
 */
export async function licenseSuspend(
  input: LicenseSuspendInput,
  ctx: CliContext,
): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Suspend license ${input.id}?`)
  const license = await licenseAction(input, ctx, 'suspend', { reason: input.reason })
  return changedResult(license, `Suspended ${input.id}.`)
}

export const licenseSuspendCommand = defineCommand<LicenseSuspendInput>({
  path: ['license', 'suspend'],
  summary: 'Suspend a license (undo with reinstate)',
  args: ['<id>'],
  destructive: true,
  options: (cmd) => cmd.requiredOption('--reason <text>', 'why (kept in the audit log)'),
  examples: [
    'tollgate license suspend lic_123 --reason "invoice overdue"',
    'tollgate license suspend lic_123 --reason "audit" --yes --json',
  ],
  run: licenseSuspend,
})
