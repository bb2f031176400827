import { LicenseError } from '../lib/license-error.js'
import type { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import type { Ed25519Engine } from '../lib/ed25519.js'
import { verifyCompactJws } from '../lib/jws.js'
import { FLOATING_OVERAGES } from '../seat/types.js'
import { checkRelayRequest } from './relay-request.js'
import { PoolFileInvalidError } from './pool-errors.js'
import { MAX_POOL_FILE_LENGTH, POOL_TYP, type PoolClaims } from './types.js'

const isTime = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0
const isId = (s: unknown): s is string => typeof s === 'string' && /^[\w.:-]{1,128}$/.test(s)
const isCount = (n: unknown, max: number): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max

/**
 * Verifies a pool file's signature (against the vendor keys the caller trusts) and shape; throws
 * {@link PoolFileInvalidError} for anything else, whatever went wrong inside. Time is not judged
 * here: see `poolValidity`.
 *
 * @example
 * ```ts
 * const pool = verifyPoolFile(await readFile('pool.lic', 'utf8'), vendorJwks)
 * pool.seats // 5
 * ```
 */
export function verifyPoolFile(
  jws: string,
  vendorKeys: KeySet | Jwks,
  opts: { engine?: Ed25519Engine } = {},
): PoolClaims {
  let p: Record<string, unknown>
  try {
    p = verifyCompactJws(
      typeof jws === 'string' ? jws.trim() : jws,
      vendorKeys,
      POOL_TYP,
      opts.engine,
      MAX_POOL_FILE_LENGTH,
    ).payload
  } catch (err) {
    const why = err instanceof LicenseError ? `${err.code}: ${err.message}` : 'unparseable'
    throw new PoolFileInvalidError(`The pool file is not signed by a trusted vendor key (${why})`)
  }
  const policy = p.policy as Record<string, unknown> | null | undefined
  let relayOk = false
  try {
    const rk = p.rk as Record<string, unknown>
    checkRelayRequest({
      type: 'tollgate-relay-request',
      v: 1,
      relayKey: rk,
      machineId: p.fpr,
      hostname: '',
      createdAt: new Date(0).toISOString(),
    })
    relayOk = true
  } catch {
    relayOk = false
  }
  if (
    p.typ !== 'pool' ||
    p.v !== 1 ||
    !isId(p.jti) ||
    !isId(p.iss) ||
    !isId(p.lid) ||
    !isCount(p.seats, 1_000_000) ||
    typeof policy !== 'object' ||
    policy === null ||
    !isCount(policy.leaseTtlS, 86_400) ||
    !FLOATING_OVERAGES.includes(policy.overage as never) ||
    !relayOk ||
    !isTime(p.iat) ||
    !isTime(p.nbf) ||
    !isTime(p.exp) ||
    p.exp <= p.nbf
  ) {
    throw new PoolFileInvalidError('The pool file payload has the wrong shape')
  }
  return p as unknown as PoolClaims
}
