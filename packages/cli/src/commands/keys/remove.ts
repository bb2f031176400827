import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult } from '../types.js'
import type { KeyIdInput } from './retire.js'

/**
 * Removes a signing key from the JWKS: every license it signed now fails with UNKNOWN_KEY.
 *
 * @example
 * ```ts
 * await keysRemove({ kid: 'k2024', yes: true }, ctx)
 * ```
 */
export async function keysRemove(input: KeyIdInput, ctx: CliContext): Promise<CommandResult> {
  await confirmOrAbort(
    input,
    ctx,
    `Remove signing key ${input.kid}? Every license it signed stops verifying.`,
  )
  await (await apiClient(input, ctx)).json('DELETE', `/v1/admin/signing-keys/${seg(input.kid)}`)
  return {
    data: { kid: input.kid, removed: true },
    blocks: [{ type: 'text', text: `Removed ${input.kid} from the JWKS.` }],
  }
}

export const keysRemoveCommand = defineCommand<KeyIdInput>({
  path: ['keys', 'remove'],
  summary: 'Remove a retired key from the JWKS (its licenses stop verifying)',
  args: ['<kid>'],
  destructive: true,
  examples: ['tollgate keys remove 2024-q1 --yes'],
  run: keysRemove,
})
