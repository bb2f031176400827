import type { CliContext } from '../../context.js'
import { apiClient } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/**
 * Creates a new active signing key. The previous key keeps verifying until it is retired and
 * removed, so no issued license breaks.
 *
 * @example
 * ```ts
 * const { data } = await keysRotate({}, ctx)
 * ```
 */
export async function keysRotate(input: GlobalOptions, ctx: CliContext): Promise<CommandResult> {
  const res = await (
    await apiClient(input, ctx)
  ).post<Record<string, unknown>>('/v1/admin/signing-keys/rotate')
  const inner = res.key ?? res.signingKey
  const key = (typeof inner === 'object' && inner !== null ? inner : res) as Record<string, unknown>
  return changedResult(
    key,
    `New signing key ${String(key.kid)}; the old one still verifies until retired and removed.`,
  )
}

export const keysRotateCommand = defineCommand<GlobalOptions>({
  path: ['keys', 'rotate'],
  summary: 'Start signing with a new key (old keys keep verifying)',
  examples: ['tollgate keys rotate', 'tollgate keys rotate --json | jq -r .kid'],
  run: keysRotate,
})
