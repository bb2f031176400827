import { KeySet, LicenseError, verifyLicense } from '@tollgate/license-client'
import type { Jwks } from '@tollgate/license-client'
import { AttestationError, verifyAttestationDocument } from '@tollgate/license-client/attestation'
import type {
  AttestationErrorCode,
  PcrSet,
  TrustedRoot,
} from '@tollgate/license-client/attestation'
import { wrapKey } from '../lib/key-wrap.js'
import type { WrappedKey } from '../lib/key-wrap.js'
import { ANALYSIS_TYPES } from '../analysis/types.js'
import type { AnalysisType } from '../analysis/types.js'

/** Why the broker refused; attestation codes come straight from the verifier. */
export type KeyRefusalCode =
  | 'REQUEST_MALFORMED'
  | 'MEASUREMENT_NOT_ALLOWED'
  | 'NONCE_REPLAYED'
  | 'NONCE_MISSING'
  | 'LICENSE_INVALID'
  | 'NOT_ENTITLED'
  | AttestationErrorCode

export interface KeyBrokerOptions {
  /** AES-256-GCM key of the sealed analysis bundle. Never leaves the broker unwrapped. */
  readonly bundleKey: Uint8Array
  /** Worker measurements allowed to receive the key. */
  readonly allowedPcrs: readonly PcrSet[]
  readonly trustedRoots: readonly TrustedRoot[]
  readonly allowEmulated: boolean
  /** Public keys that sign license tokens. */
  readonly jwks: Jwks | KeySet
  /** Attestation documents older than this are stale (default 60 s). */
  readonly maxAgeMs?: number
  readonly now?: () => number
}

export interface KeyReleaseRequest {
  readonly attestation: Uint8Array
  readonly licenseToken: string
  readonly analysisType: string
}

export type KeyReleaseResult =
  | { readonly ok: true; readonly wrapped: WrappedKey; readonly licenseId: string }
  | { readonly ok: false; readonly code: KeyRefusalCode; readonly message: string }

/** Releases the sealed bundle's key under policy. */
export interface KeyBroker {
  releaseKey(request: KeyReleaseRequest): KeyReleaseResult
}

/**
 * The key broker (the role AWS KMS plays for Nitro): it releases the bundle key, wrapped to
 * the worker's attested X25519 key, only when the attestation verifies to a pinned root, the
 * measurement is allowlisted, the nonce is fresh and unused, and the license token verifies
 * and entitles `analysis:<type>`.
 *
 * @example
 * ```ts
 * const broker = createKeyBroker({ bundleKey, allowedPcrs: [measurement], trustedRoots: [ca.rootPem], allowEmulated: true, jwks })
 * const answer = broker.releaseKey({ attestation, licenseToken, analysisType: 'mev' })
 * ```
 */
export function createKeyBroker(opts: KeyBrokerOptions): KeyBroker {
  const keys = KeySet.from(opts.jwks)
  const maxAgeMs = opts.maxAgeMs ?? 60_000
  const now = opts.now ?? Date.now
  const seen = new Map<string, number>() // nonce hex -> expiry (ms)
  const refuse = (code: KeyRefusalCode, message: string): KeyReleaseResult => ({
    ok: false,
    code,
    message,
  })

  return {
    releaseKey(req) {
      const t = now()
      for (const [n, exp] of seen) if (exp < t) seen.delete(n)
      if (!ANALYSIS_TYPES.includes(req.analysisType as AnalysisType))
        return refuse('REQUEST_MALFORMED', 'unknown analysis type')
      let doc
      try {
        doc = verifyAttestationDocument(req.attestation, {
          trustedRoots: opts.trustedRoots,
          allowEmulated: opts.allowEmulated,
          now: t,
          maxAgeMs,
        })
      } catch (err) {
        if (err instanceof AttestationError) return refuse(err.code, err.message)
        throw err
      }
      const allowed = opts.allowedPcrs.some((set) =>
        Object.entries(set).every(([i, hex]) => doc.pcrs[Number(i)] === hex),
      )
      if (!allowed)
        return refuse('MEASUREMENT_NOT_ALLOWED', 'worker measurement is not on the allowlist')
      if (!doc.nonce || doc.nonce.length < 16)
        return refuse('NONCE_MISSING', 'attestation carries no nonce of at least 16 bytes')
      const nonceKey = Buffer.from(doc.nonce).toString('hex')
      if (seen.has(nonceKey))
        return refuse('NONCE_REPLAYED', 'this nonce was already used for a key release')
      if (!doc.userData)
        return refuse('REQUEST_MALFORMED', 'attestation carries no key-exchange key in user_data')
      let license
      try {
        license = verifyLicense(req.licenseToken, keys, { now: t })
      } catch (err) {
        if (err instanceof LicenseError)
          return refuse('LICENSE_INVALID', `license rejected: ${err.code}`)
        throw err
      }
      if (!license.hasFeature(`analysis:${req.analysisType}`)) {
        return refuse('NOT_ENTITLED', `license does not entitle analysis:${req.analysisType}`)
      }
      seen.set(nonceKey, t + 2 * maxAgeMs)
      try {
        return {
          ok: true,
          wrapped: wrapKey(opts.bundleKey, doc.userData, doc.nonce),
          licenseId: license.claims.lid,
        }
      } catch {
        return refuse('REQUEST_MALFORMED', 'user_data is not an X25519 public key')
      }
    },
  }
}
