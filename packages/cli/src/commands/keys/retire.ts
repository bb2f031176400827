import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link keysRetire} and `keys remove`. */
export interface KeyIdInput extends GlobalOptions {
  kid: string
  yes?: boolean
}

type Obj = Record<string, unknown>
const unwrap = (res: Obj | undefined, kid: string): Obj => {
  const inner = res?.key ?? res?.signingKey
  return ((typeof inner === 'object' && inner !== null ? inner : res) as Obj | undefined) ?? { kid }
}

/**
 * Retires a signing key: it signs nothing new but stays in the JWKS, so its licenses verify.
 *
 * @example
 * ```ts
 * await keysRetire({ kid: 'k2025', yes: true }, ctx)
 * ```
 */
export async function keysRetire(input: KeyIdInput, ctx: CliContext): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Retire signing key ${input.kid}?`)
  const res = await (
    await apiClient(input, ctx)
  ).post<Obj | undefined>(`/v1/admin/signing-keys/${seg(input.kid)}/retire`)
  return changedResult(
    unwrap(res, input.kid),
    `Retired ${input.kid}; its licenses still verify until it is removed.`,
  )
}

export const keysRetireCommand = defineCommand<KeyIdInput>({
  path: ['keys', 'retire'],
  summary: 'Stop signing with a key (it still verifies)',
  args: ['<kid>'],
  destructive: true,
  examples: ['tollgate keys retire 2025-q4', 'tollgate keys retire 2025-q4 --yes'],
  run: keysRetire,
})
