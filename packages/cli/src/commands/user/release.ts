import { createHash } from 'node:crypto'
import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link userRelease}. */
export interface UserReleaseInput extends GlobalOptions {
  license: string
  user: string
  yes?: boolean
}

/** A 64-hex-digit value is taken as the hash; anything else is the app's user id, hashed here. */
function userHash(licenseId: string, user: string): string {
  if (/^[0-9a-f]{64}$/.test(user)) return user
  return createHash('sha256').update(`${licenseId}:${user}`, 'utf8').digest('hex')
}

/**
 * Releases a named user of a license (frees the seat). Takes the user hash from `user list`,
 * or the app's user id, hashed like the SDK does (SHA-256 of `<license>:<user>`).
 *
 * @example
 * ```ts
 * await userRelease({ license: 'lic_123', user: 'alice@acme.test', yes: true }, ctx)
 * ```
 */
export async function userRelease(
  input: UserReleaseInput,
  ctx: CliContext,
): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Release user ${input.user} of ${input.license}?`)
  const res = await (
    await apiClient(input, ctx)
  ).post<{ released: boolean; used: number; max: number }>(
    `/v1/admin/licenses/${seg(input.license)}/users/release`,
    { userHash: userHash(input.license, input.user) },
  )
  const text = res.released
    ? `Released; ${res.used} named users left.`
    : 'That user was not assigned; nothing changed.'
  return { data: res, blocks: [{ type: 'text', text }] }
}

export const userReleaseCommand = defineCommand<UserReleaseInput>({
  path: ['user', 'release'],
  summary: 'Release a named user of a license (frees the seat)',
  args: ['<license>', '<user>'],
  destructive: true,
  examples: [
    'tollgate user release lic_123 alice@acme.test --yes',
    'tollgate user release lic_123 3f1c…(64 hex) --json',
  ],
  run: userRelease,
})
