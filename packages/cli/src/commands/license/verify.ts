import {
  LicenseError,
  verifyLicense,
  verifyRevocationList,
  type RevocationListClaims,
} from '@tollgate/license-client'
import type { CliContext } from '../../context.js'
import { CliError, EXIT } from '../../errors.js'
import { dateArg } from '../../lib/parsers.js'
import {
  loadKeySet,
  readLicenseArg,
  readUserFile,
  revocationJws,
  unverifiedIssuer,
} from '../../lib/sources.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseVerify}. */
export interface LicenseVerifyInput extends GlobalOptions {
  /** The key, a file holding it, or `-` for stdin. */
  license: string
  /** JWKS file or URL; default the profile's server `/.well-known/jwks.json`. */
  jwks?: string
  /** A signed revocation list file (`tollgate revocations export`). */
  revocations?: string
  /** Check as of this time (ISO); default now. */
  at?: string
  /** The deployment id this license should run on (node lock check). */
  deployment?: string
}

/** Verdict codes, as the server's validate endpoint names them. */
export type VerdictCode =
  | 'VALID'
  | 'GRACE_EXPIRED'
  | 'EXPIRED'
  | 'REVOKED'
  | 'SUSPENDED'
  | 'NOT_YET_VALID'
  | 'DEPLOYMENT_MISMATCH'
  | LicenseError['code']

const iso = (unixS: number | undefined): string | null =>
  unixS === undefined ? null : new Date(unixS * 1000).toISOString()
const DAY_S = 86_400

/**
 * Verifies a license key offline with the codec: checksum, signature against the JWKS, validity
 * window (with the license's expiry grace), node lock, and, given a signed revocation list,
 * whether the license id is revoked or suspended. Answers exit code 3 when it is not valid.
 *
 * @example
 * ```ts
 * const { data, exitCode } = await licenseVerify({ license: 'license.key', jwks: 'jwks.json', revocations: 'rl.jws' }, ctx)
 * ```
 */
export async function licenseVerify(
  input: LicenseVerifyInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const { token, source } = await readLicenseArg(input.license, ctx)
  // A multi-tenant server serves each tenant's keys; the token names its tenant in `iss`.
  const tenant = unverifiedIssuer(token.slice(token.indexOf('-') + 1, token.lastIndexOf('-')))
  const { keys, source: keySource } = await loadKeySet(input.jwks, input, ctx, tenant)
  const now = input.at ? new Date(input.at) : ctx.now()
  const nowS = Math.floor(now.getTime() / 1000)
  const warnings: string[] = []

  let list: RevocationListClaims | undefined
  if (input.revocations !== undefined) {
    const text = readUserFile(input.revocations, ctx, 'revocation list')
    try {
      list = verifyRevocationList(revocationJws(text), keys)
    } catch (cause) {
      const why = cause instanceof LicenseError ? `${cause.message} (${cause.code})` : String(cause)
      throw new CliError(
        'REVOCATION_LIST_INVALID',
        `The revocation list ${input.revocations} does not verify: ${why}`,
        {
          cause,
          hint: 'Export a fresh one with `tollgate revocations export <file>` and check --jwks',
        },
      )
    }
    if (list.nextUpdate < nowS)
      warnings.push(
        `The revocation list is stale (next update was due ${iso(list.nextUpdate)}); export a fresh one`,
      )
  }

  let code: VerdictCode = 'VALID'
  let message = 'The license is valid'
  let details: Record<string, unknown> = {}
  try {
    const license = verifyLicense(token, keys, { now, ignoreExpiry: true })
    const c = license.claims
    const graceEnd = c.exp === undefined ? undefined : c.exp + c.policy.expiryGraceDays * DAY_S
    details = {
      licenseId: c.lid,
      customerId: c.sub,
      customer: c.customer ?? null,
      product: c.product,
      tier: c.tier,
      entitlements: c.entitlements,
      limits: c.limits,
      issuedAt: iso(c.iat),
      notBefore: iso(c.nbf),
      expiresAt: iso(c.exp),
      graceEndsAt: iso(graceEnd),
      deployment: c.deployment ?? null,
      kid: license.kid,
    }
    if (list?.revoked.includes(c.lid)) {
      code = 'REVOKED'
      message = `License ${c.lid} is revoked (revocation list of ${iso(list.iat)})`
    } else if (list?.suspended.includes(c.lid)) {
      code = 'SUSPENDED'
      message = `License ${c.lid} is suspended (revocation list of ${iso(list.iat)})`
    } else if (
      input.deployment !== undefined &&
      c.deployment !== undefined &&
      c.deployment !== input.deployment
    ) {
      code = 'DEPLOYMENT_MISMATCH'
      message = `License is locked to deployment ${c.deployment}, not ${input.deployment}`
    } else if (c.exp !== undefined && c.exp <= nowS) {
      code = graceEnd !== undefined && nowS < graceEnd ? 'GRACE_EXPIRED' : 'EXPIRED'
      message =
        code === 'GRACE_EXPIRED'
          ? `License expired at ${iso(c.exp)}; it works within its grace period until ${iso(graceEnd)}`
          : `License expired at ${iso(c.exp)}`
    }
    if (list === undefined)
      warnings.push('No revocation list given (--revocations): revocation was not checked')
  } catch (err) {
    if (!(err instanceof LicenseError)) throw err
    code = err.code
    message = err.message
  }

  const valid = code === 'VALID' || code === 'GRACE_EXPIRED'
  const data = {
    valid,
    code,
    message,
    ...details,
    checkedAt: now.toISOString(),
    keySource,
    licenseSource: source,
    revocationList: list
      ? {
          issuedAt: iso(list.iat),
          nextUpdate: iso(list.nextUpdate),
          revoked: list.revoked.length,
          suspended: list.suspended.length,
        }
      : null,
    warnings,
  }
  return {
    data,
    blocks: [
      { type: 'text', text: `${code}  ${message}` },
      {
        type: 'record',
        record: { ...details, keys: keySource, revocationList: input.revocations ?? null },
      },
    ],
    notes: warnings.map((w) => `Warning: ${w}`),
    exitCode: valid ? EXIT.OK : EXIT.NOT_VALID,
  }
}

export const licenseVerifyCommand = defineCommand<LicenseVerifyInput>({
  path: ['license', 'verify'],
  summary: 'Verify a license key offline (signature, expiry, revocation list); exit 3 if not valid',
  args: ['<license>'],
  options: (cmd) =>
    cmd
      .option(
        '--jwks <file|url>',
        "verification keys (default: the server's /.well-known/jwks.json)",
      )
      .option(
        '--revocations <file>',
        'signed revocation list to apply (tollgate revocations export)',
      )
      .option('--at <date>', 'check as of this time instead of now', (v) => dateArg(v))
      .option('--deployment <id>', 'check the node lock against this deployment id'),
  examples: [
    'tollgate license verify ./license.key --jwks ./jwks.json --revocations ./revocations.jws',
    'tollgate license verify "TG1-eyJ…-1a2b3c4d"',
    'cat license.key | tollgate license verify - --json',
  ],
  run: licenseVerify,
})
