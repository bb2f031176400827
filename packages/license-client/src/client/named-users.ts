// Named users (issue 18): the app assigns and releases its users against the license's
// `maxUsers`. Only a salted hash of each user id leaves the process.
import { createHash } from 'node:crypto'
import { LicenseError } from '../lib/license-error.js'
import type { VerifiedLicense } from '../token/verified-license.js'
import { ConfigInvalidError, NetworkError } from './client-errors.js'
import type { Transport } from './transport.js'

/** Longest user id accepted (it is hashed, so only a sanity bound). */
const MAX_USER_ID = 1024

/** The answer of `assignUser` / `releaseUser`: named users after the call and the limit. */
export interface NamedUserResult {
  /** `assignUser`: true when the user took a seat now (false: already assigned). */
  assigned?: boolean
  /** `releaseUser`: true when a seat was freed (false: was not assigned). */
  released?: boolean
  used: number
  /** `limits.maxUsers` of the license; 0: no limit. */
  max: number
}

/**
 * The license already has `maxUsers` named users: release one before assigning another.
 *
 * @example
 * ```ts
 * if (err instanceof UserLimitReachedError) showSeatsFull(err.max)
 * ```
 */
export class UserLimitReachedError extends LicenseError {
  constructor() {
    super('USER_LIMIT_REACHED', 'The license has as many named users as it allows (maxUsers)')
  }
}

/**
 * The id a user is known by on the server: SHA-256 (hex) of `<licenseId>:<userId>`. Salting
 * with the license id means the same person gives unrelated hashes under different licenses.
 *
 * @example
 * ```ts
 * hashUserId('lic_0abc', 'alice@example.com') // '3f1c…' (64 hex chars)
 * ```
 */
export function hashUserId(licenseId: string, userId: string): string {
  return createHash('sha256').update(`${licenseId}:${userId}`, 'utf8').digest('hex')
}

function isResult(v: unknown): v is NamedUserResult {
  const r = v as NamedUserResult | null
  return typeof r === 'object' && r !== null && Number.isInteger(r.used) && Number.isInteger(r.max)
}

/**
 * Calls `POST /v1/licenses/users/assign|release` with the key and the hashed user id. Throws
 * {@link UserLimitReachedError} when the license is full, {@link ConfigInvalidError} without a
 * server URL, key or usable user id, and {@link NetworkError} for everything else.
 *
 * @example
 * ```ts
 * const r = await callNamedUser(transport, token, license, 'assign', 'user-42')
 * ```
 */
export async function callNamedUser(
  transport: Transport | undefined,
  token: string | undefined,
  license: VerifiedLicense | null,
  action: 'assign' | 'release',
  userId: unknown,
): Promise<NamedUserResult> {
  if (transport === undefined) throw new ConfigInvalidError(`${action}User needs serverUrl`)
  if (token === undefined || license === null) {
    throw new ConfigInvalidError(`${action}User needs a verified license key`)
  }
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID) {
    throw new ConfigInvalidError(`userId must be a string of 1 to ${MAX_USER_ID} characters`)
  }
  const userHash = hashUserId(license.id, userId)
  try {
    const body = await transport.post(`/v1/licenses/users/${action}`, { key: token, userHash })
    if (!isResult(body)) throw new NetworkError(`${action}User: unexpected answer`)
    return body
  } catch (err) {
    if (err instanceof NetworkError && err.serverCode === 'USER_LIMIT_REACHED') {
      throw new UserLimitReachedError()
    }
    throw err
  }
}
