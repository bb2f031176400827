import { InvalidKeyError } from '../errors.js'
import { decodeBase64url } from '../lib/base64url.js'
import { preparePublicKey, type PreparedPublicKey } from '../lib/ed25519.js'
import type { Jwks, PublicJwk } from './types.js'

interface Entry {
  readonly jwk: PublicJwk
  readonly key: PreparedPublicKey
}

/**
 * The verification keys a client trusts, parsed once. Rotation: tokens signed by any key in the
 * set verify; drop a key from the set and its tokens fail with `UNKNOWN_KEY`.
 *
 * @example
 * ```ts
 * const keys = KeySet.from(await (await fetch(`${server}/.well-known/jwks.json`)).json())
 * verifyLicense(token, keys)
 * ```
 */
export class KeySet {
  readonly #entries: ReadonlyMap<string, Entry>

  private constructor(entries: Map<string, Entry>) {
    this.#entries = entries
  }

  /** Builds a key set from a JWKS, a list of JWKs, or returns an existing set as is. */
  static from(keys: Jwks | readonly PublicJwk[] | KeySet): KeySet {
    if (keys instanceof KeySet) return keys
    const list = Array.isArray(keys) ? keys : (keys as Jwks).keys
    if (!Array.isArray(list)) throw new InvalidKeyError('A JWKS needs a "keys" array')
    const entries = new Map<string, Entry>()
    for (const jwk of list as unknown[]) {
      const parsed = parseJwk(jwk)
      // Non-Ed25519 keys are skipped, not fatal: a shared JWKS may carry other algorithms.
      if (parsed === undefined) continue
      if (entries.has(parsed.jwk.kid))
        throw new InvalidKeyError(`Duplicate kid "${parsed.jwk.kid}"`)
      entries.set(parsed.jwk.kid, parsed)
    }
    return new KeySet(entries)
  }

  /** True when a key with this `kid` is in the set. */
  has(kid: string): boolean {
    return this.#entries.has(kid)
  }

  /** The `kid`s in the set. */
  kids(): string[] {
    return [...this.#entries.keys()]
  }

  /** The set as a JWKS document. */
  toJwks(): Jwks {
    return { keys: [...this.#entries.values()].map((e) => ({ ...e.jwk })) }
  }

  /** @internal the prepared key for a kid. */
  get(kid: string): PreparedPublicKey | undefined {
    return this.#entries.get(kid)?.key
  }
}

function parseJwk(value: unknown): Entry | undefined {
  if (typeof value !== 'object' || value === null) throw new InvalidKeyError('JWK is not an object')
  const jwk = value as Record<string, unknown>
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') return undefined
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0)
    throw new InvalidKeyError('JWK has no kid')
  if (jwk.alg !== undefined && jwk.alg !== 'EdDSA') return undefined
  const raw = typeof jwk.x === 'string' ? decodeBase64url(jwk.x) : undefined
  if (raw?.length !== 32) throw new InvalidKeyError(`JWK "${jwk.kid}" has no valid 32-byte x`)
  const clean: PublicJwk = {
    kty: 'OKP',
    crv: 'Ed25519',
    x: jwk.x as string,
    kid: jwk.kid,
    alg: 'EdDSA',
    use: 'sig',
  }
  return { jwk: clean, key: preparePublicKey(new Uint8Array(raw)) }
}
