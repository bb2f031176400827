import { MalformedError } from '../errors.js'
import type { KeySet } from '../keys/key-set.js'
import type { Jwks, SigningKey } from '../keys/types.js'
import type { Ed25519Engine } from '../lib/ed25519.js'
import { onlyLicenseErrors, signCompactJws, verifyCompactJws } from '../lib/jws.js'
import {
  MAX_MACHINE_FILE_LENGTH,
  OFFLINE_TYP,
  type ActivationRequest,
  type MachineFileClaims,
} from './offline-formats.js'

/** Input of {@link signMachineFile}. */
export interface MachineFileInput {
  /** The offline activation id (`oac_...`). */
  activationId: string
  request: ActivationRequest
  /** Tenant id, becomes `iss`. */
  issuer?: string
  issuedAt: Date
  expiresAt: Date
  /** A signed revocation list to embed as a checkpoint. */
  revocations?: string
}

const isTime = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0
const isId = (s: unknown): s is string => typeof s === 'string' && /^[\w.:-]{1,128}$/.test(s)

/**
 * Signs a machine file: the server's statement that the license may run, until `expiresAt`, on
 * the one machine whose fingerprint the activation request named. A compact JWS (EdDSA, `typ`
 * `tollgate-machine+jwt`) that any JOSE library verifies with the tenant's JWKS.
 *
 * @example
 * ```ts
 * const file = signMachineFile({ activationId: 'oac_1', request, issuedAt: now, expiresAt }, key)
 * ```
 */
export function signMachineFile(input: MachineFileInput, key: SigningKey): string {
  const iat = Math.floor(input.issuedAt.getTime() / 1000)
  const claims: MachineFileClaims = {
    typ: 'machine',
    v: 1,
    jti: input.activationId,
    ...(input.issuer === undefined ? {} : { iss: input.issuer }),
    lid: input.request.licenseId,
    deployment: input.request.deploymentId,
    fpr: input.request.fingerprint.machineId,
    dpk: input.request.deploymentKey.x,
    nonce: input.request.nonce,
    iat,
    nbf: iat,
    exp: Math.floor(input.expiresAt.getTime() / 1000),
    ...(input.revocations === undefined ? {} : { rl: input.revocations }),
  }
  return signCompactJws(claims, OFFLINE_TYP.machineFile, key)
}

/**
 * Verifies a machine file's signature and shape. Neither time nor the machine is judged here:
 * the client compares `fpr` with its own fingerprint and `exp` with trusted time.
 *
 * @example
 * ```ts
 * const claims = verifyMachineFile(text.trim(), keys)
 * claims.fpr === (await machineFingerprint()).machineId
 * ```
 */
export function verifyMachineFile(
  jws: string,
  keys: KeySet | Jwks,
  opts: { engine?: Ed25519Engine } = {},
): MachineFileClaims {
  return onlyLicenseErrors(() => {
    const { payload: p } = verifyCompactJws(
      jws,
      keys,
      OFFLINE_TYP.machineFile,
      opts.engine,
      MAX_MACHINE_FILE_LENGTH,
    )
    if (
      p.typ !== 'machine' ||
      p.v !== 1 ||
      !isId(p.jti) ||
      !isId(p.lid) ||
      !isId(p.deployment) ||
      typeof p.fpr !== 'string' ||
      !/^[0-9a-f]{32}$/.test(p.fpr) ||
      typeof p.dpk !== 'string' ||
      typeof p.nonce !== 'string' ||
      (p.iss !== undefined && typeof p.iss !== 'string') ||
      (p.rl !== undefined && typeof p.rl !== 'string') ||
      !isTime(p.iat) ||
      !isTime(p.nbf) ||
      !isTime(p.exp)
    ) {
      throw new MalformedError('Machine file payload has the wrong shape')
    }
    return p as unknown as MachineFileClaims
  })
}
