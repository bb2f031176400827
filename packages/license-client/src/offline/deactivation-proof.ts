import { randomBytes } from 'node:crypto'
import { MalformedError } from '../errors.js'
import type { SigningKey } from '../keys/types.js'
import { encodeBase64url } from '../lib/base64url.js'
import { onlyLicenseErrors, signCompactJws, verifyCompactJws } from '../lib/jws.js'
import { DeactivationProofInvalidError } from './offline-errors.js'
import {
  MAX_DEACTIVATION_PROOF_LENGTH,
  OFFLINE_TYP,
  type DeactivationProofClaims,
  type MachineFileClaims,
} from './offline-formats.js'
import { LicenseError } from '../lib/license-error.js'

/**
 * Signs a deactivation proof for the machine file `machine` with the deployment's own key (the
 * key whose public half was in the activation request). The `kid` is the key's `x`.
 *
 * @example
 * ```ts
 * const proof = signDeactivationProof(machineClaims, deploymentKey, new Date())
 * ```
 */
export function signDeactivationProof(
  machine: MachineFileClaims,
  key: SigningKey,
  at: Date,
): string {
  const claims: DeactivationProofClaims = {
    typ: 'deactivation',
    v: 1,
    act: machine.jti,
    lid: machine.lid,
    deployment: machine.deployment,
    fpr: machine.fpr,
    iat: Math.floor(at.getTime() / 1000),
    nonce: encodeBase64url(randomBytes(16)),
  }
  return signCompactJws(claims, OFFLINE_TYP.deactivation, key)
}

/**
 * Verifies a deactivation proof against the deployment public key `x` recorded with the
 * activation (the proof's `kid` must be that `x`). Throws {@link DeactivationProofInvalidError}.
 *
 * @example
 * ```ts
 * const claims = verifyDeactivationProof(proof, activation.deploymentKeyX)
 * ```
 */
export function verifyDeactivationProof(jws: string, x: string): DeactivationProofClaims {
  try {
    return onlyLicenseErrors(() => {
      const jwks = { keys: [{ kty: 'OKP' as const, crv: 'Ed25519' as const, x, kid: x }] }
      const { payload: p } = verifyCompactJws(
        jws,
        jwks,
        OFFLINE_TYP.deactivation,
        'auto',
        MAX_DEACTIVATION_PROOF_LENGTH,
      )
      if (
        p.typ !== 'deactivation' ||
        p.v !== 1 ||
        typeof p.act !== 'string' ||
        typeof p.lid !== 'string' ||
        typeof p.deployment !== 'string' ||
        typeof p.fpr !== 'string' ||
        typeof p.nonce !== 'string' ||
        typeof p.iat !== 'number'
      ) {
        throw new MalformedError('Deactivation proof payload has the wrong shape')
      }
      return p as unknown as DeactivationProofClaims
    })
  } catch (err) {
    if (err instanceof DeactivationProofInvalidError) throw err
    const why = err instanceof LicenseError ? `${err.code}: ${err.message}` : 'unreadable'
    throw new DeactivationProofInvalidError(why, { cause: err })
  }
}

/**
 * The activation id a proof names, read without verifying (to look up the key to verify it
 * with). Throws {@link DeactivationProofInvalidError} for anything that is not a proof.
 *
 * @example
 * ```ts
 * const { act } = peekDeactivationProof(proof)
 * ```
 */
export function peekDeactivationProof(jws: unknown): { act: string; kid: string } {
  if (typeof jws !== 'string' || jws.length > MAX_DEACTIVATION_PROOF_LENGTH) {
    throw new DeactivationProofInvalidError('expected a compact JWS of at most 8 KB')
  }
  const parts = jws.trim().split('.')
  if (parts.length !== 3) throw new DeactivationProofInvalidError('expected a compact JWS')
  const decode = (part: string): Record<string, unknown> | undefined => {
    try {
      const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
      return typeof v === 'object' && v !== null && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : undefined
    } catch {
      return undefined
    }
  }
  const header = decode(parts[0]!)
  const payload = decode(parts[1]!)
  if (typeof payload?.act !== 'string' || !/^[\w.:-]{1,128}$/.test(payload.act)) {
    throw new DeactivationProofInvalidError('no activation id')
  }
  if (typeof header?.kid !== 'string') throw new DeactivationProofInvalidError('no kid')
  return { act: payload.act, kid: header.kid }
}
