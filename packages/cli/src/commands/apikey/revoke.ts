import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link apikeyRevoke}. */
export interface ApikeyRevokeInput extends GlobalOptions {
  id: string
  yes?: boolean
}

/**
 * Revokes an admin API key; requests with it fail from now on.
 *
 * @example
 * ```ts
 * await apikeyRevoke({ id: 'key_123', yes: true }, ctx)
 * ```
 */
export async function apikeyRevoke(
  input: ApikeyRevokeInput,
  ctx: CliContext,
): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Revoke API key ${input.id}? Anything using it stops working.`)
  const res = await (
    await apiClient(input, ctx)
  ).post<Record<string, unknown> | undefined>(`/v1/admin/api-keys/${seg(input.id)}/revoke`)
  const inner = res?.apiKey
  const record = (typeof inner === 'object' && inner !== null ? inner : res) as
    Record<string, unknown> | undefined
  return changedResult(record ?? { id: input.id, revoked: true }, `Revoked API key ${input.id}.`)
}

export const apikeyRevokeCommand = defineCommand<ApikeyRevokeInput>({
  path: ['apikey', 'revoke'],
  summary: 'Revoke an admin API key',
  args: ['<id>'],
  destructive: true,
  examples: ['tollgate apikey revoke key_123', 'tollgate apikey revoke key_123 --yes'],
  run: apikeyRevoke,
})
