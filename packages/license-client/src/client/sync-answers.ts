import type { NetworkError } from '../errors.js'

/** Server answers (error codes or statuses) that mean "this deployment may not run". */
const OVER_LIMIT = /DEPLOYMENT_LIMIT|MAX_DEPLOYMENTS|TOO_MANY_DEPLOYMENTS|OVER_LIMIT/i
const MISMATCH = /DEPLOYMENT_MISMATCH/i
/** Answers that mean "this deployment is unknown": activate again. */
const UNKNOWN_DEPLOYMENT = /DEPLOYMENT_NOT_FOUND|NOT_ACTIVATED|DEACTIVATED/i
/** Unsigned hints of a status change: confirmed only by a signed lease or revocation list. */
const STATUS_HINT = /REVOKED|SUSPENDED/i
/** The server does not accept the key itself (unknown signing key, bad signature). */
const KEY_REFUSED = /INVALID_LICENSE_KEY|UNKNOWN_KEY|BAD_SIGNATURE/i

/**
 * True when a heartbeat failed because the server does not know this deployment (activate).
 *
 * @example
 * ```ts
 * if (isUnknownDeployment(err)) body = await activate(key)
 * ```
 */
export function isUnknownDeployment(err: NetworkError): boolean {
  return err.status === 404 || UNKNOWN_DEPLOYMENT.test(err.serverCode ?? '')
}

/**
 * The code of a 200 answer without a lease (`{ valid: false, code }`), at most 64 characters.
 *
 * @example
 * ```ts
 * outcomeCode({ valid: false, code: 'SUSPENDED' }) // 'SUSPENDED'
 * ```
 */
export function outcomeCode(body: unknown): string | undefined {
  const b = body as { code?: unknown; status?: unknown }
  const code =
    typeof b.code === 'string' ? b.code : typeof b.status === 'string' ? b.status : undefined
  return code?.slice(0, 64)
}

/** What a refused check-in means for the client. */
export interface RefusalMeaning {
  refusal?: { code: 'over_limit' | 'deployment_mismatch' | 'invalid'; reason: string }
  /** Fetch the keys again next round (the server refused the key itself). */
  refetchKeys?: boolean
  /** Confirm an unsigned status hint with the signed revocation list. */
  forceRevocations?: boolean
}

/**
 * Maps a server error code of a refused check-in to a state input.
 *
 * @example
 * ```ts
 * refusalMeaning('TOO_MANY_DEPLOYMENTS').refusal?.code // 'over_limit'
 * ```
 */
export function refusalMeaning(code: string): RefusalMeaning {
  if (OVER_LIMIT.test(code)) {
    return {
      refusal: { code: 'over_limit', reason: `The server refused this deployment (${code})` },
    }
  }
  if (MISMATCH.test(code)) {
    const reason = `The server refused this deployment (${code})`
    return { refusal: { code: 'deployment_mismatch', reason } }
  }
  if (KEY_REFUSED.test(code)) {
    // A key the server rejects must not unlock anything here, whatever the local key set
    // says (it may have been swapped): downgrade, and fetch the keys again next round.
    const reason = `The license server refused this key (${code})`
    return { refusal: { code: 'invalid', reason }, refetchKeys: true }
  }
  return STATUS_HINT.test(code) ? { forceRevocations: true } : {}
}
