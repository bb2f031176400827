import { InvalidArgumentError } from 'commander'
import type { CliContext } from '../../context.js'
import { dateArg } from '../../lib/parsers.js'
import { apiClient, seg } from '../../lib/session.js'
import { licenseWithToken } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseRenew}. */
export interface LicenseRenewInput extends GlobalOptions {
  id: string
  /** New expiry, ISO-8601, or null for a perpetual license. */
  expires: string | null
}

function expiresArg(value: string): string | null {
  if (value === 'never') return null
  try {
    return dateArg(value)
  } catch {
    throw new InvalidArgumentError(`Expected an ISO date, +<n>d, or "never", got "${value}".`)
  }
}

/**
 * Moves a license's expiry. The expiry is signed into the key, so the answer carries the new
 * key for the customer.
 *
 * @example
 * ```ts
 * const { data } = await licenseRenew({ id: 'lic_123', expires: '2028-01-01T00:00:00.000Z' }, ctx)
 * ```
 */
export async function licenseRenew(
  input: LicenseRenewInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const res = await (
    await apiClient(input, ctx)
  ).post<{ license: Record<string, unknown>; token: string }>(
    `/v1/admin/licenses/${seg(input.id)}/renew`,
    { expiresAt: input.expires },
  )
  return licenseWithToken(res, `renewed until ${input.expires ?? 'forever'}`)
}

export const licenseRenewCommand = defineCommand<LicenseRenewInput>({
  path: ['license', 'renew'],
  summary: 'Set a new expiry date (answers the new license key)',
  args: ['<id>'],
  options: (cmd) =>
    cmd.requiredOption('--expires <date>', 'new expiry: ISO date, +<n>d, or never', expiresArg),
  examples: [
    'tollgate license renew lic_123 --expires 2028-01-31',
    'tollgate license renew lic_123 --expires +365d --json | jq -r .token > license.key',
  ],
  run: licenseRenew,
})
