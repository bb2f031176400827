import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { licenseWithToken } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseReissue}. */
export interface LicenseReissueInput extends GlobalOptions {
  id: string
  yes?: boolean
}

/**
 * Signs a fresh key for a license (current claims, current signing key), e.g. after a renewal
 * or a key rotation.
 *
 * @example
 * ```ts
 * const { data } = await licenseReissue({ id: 'lic_123', yes: true }, ctx)
 * ```
 */
export async function licenseReissue(
  input: LicenseReissueInput,
  ctx: CliContext,
): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Reissue the key of license ${input.id}?`)
  const res = await (
    await apiClient(input, ctx)
  ).post<{ license: Record<string, unknown>; token: string }>(
    `/v1/admin/licenses/${seg(input.id)}/reissue`,
  )
  return licenseWithToken(res, 'reissued')
}

export const licenseReissueCommand = defineCommand<LicenseReissueInput>({
  path: ['license', 'reissue'],
  summary: 'Sign a fresh license key with the current claims and key',
  args: ['<id>'],
  destructive: true,
  examples: [
    'tollgate license reissue lic_123',
    'tollgate license reissue lic_123 --yes --json | jq -r .token > license.key',
  ],
  run: licenseReissue,
})
