import { sign as nodeSign } from 'node:crypto'
import {
  BadSignatureError,
  LicenseError,
  MalformedError,
  TooLargeError,
  UnknownKeyError,
  UnsupportedAlgError,
  WrongTypeError,
} from '../errors.js'
import { KeySet } from '../keys/key-set.js'
import type { Jwks, SigningKey } from '../keys/types.js'
import { decodeBase64url, encodeBase64url } from './base64url.js'
import { verifyEd25519, type Ed25519Engine } from './ed25519.js'

/** The protected header every Tollgate JWS carries. */
export interface JwsHeader {
  alg: 'EdDSA'
  kid: string
  typ: string
}

export interface VerifiedJws {
  header: JwsHeader
  payload: Record<string, unknown>
}

/** Signs `payload` as a compact JWS (EdDSA) with the given `typ`. */
export function signCompactJws(payload: object, typ: string, key: SigningKey): string {
  const header: JwsHeader = { alg: 'EdDSA', kid: key.kid, typ }
  const signingInput = `${encodeBase64url(JSON.stringify(header))}.${encodeBase64url(JSON.stringify(payload))}`
  const signature = nodeSign(null, Buffer.from(signingInput), key.privateKey)
  return `${signingInput}.${encodeBase64url(signature)}`
}

/** A base64url JSON object (a JWS header or payload); MALFORMED for anything else. */
export function parseJsonObject(part: string, what: string): Record<string, unknown> {
  const bytes = decodeBase64url(part)
  if (bytes === undefined) throw new MalformedError(`${what} is not base64url`)
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new MalformedError(`${what} is not JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedError(`${what} is not a JSON object`)
  }
  return value as Record<string, unknown>
}

/**
 * Verifies a compact JWS: header shape, alg, typ, kid lookup, canonical signature, then payload.
 * The signature is checked before the payload is parsed, so unsigned bytes are never trusted.
 */
export function verifyCompactJws(
  jws: string,
  keys: KeySet | Jwks,
  typ: string,
  engine: Ed25519Engine = 'auto',
  maxLength = 16_384,
): VerifiedJws {
  if (typeof jws !== 'string') throw new MalformedError('Expected a string')
  if (jws.length > maxLength) throw new TooLargeError(jws.length, maxLength)
  const first = jws.indexOf('.')
  const second = first < 0 ? -1 : jws.indexOf('.', first + 1)
  if (first <= 0 || second <= first + 1 || jws.indexOf('.', second + 1) !== -1) {
    throw new MalformedError('Expected a compact JWS with three parts')
  }
  const header = parseJsonObject(jws.slice(0, first), 'JWS header')
  if (header.alg !== 'EdDSA') throw new UnsupportedAlgError(header.alg)
  // We understand no critical extensions (RFC 7515 §4.1.11), so any `crit` must be refused.
  if ('crit' in header || 'b64' in header) throw new MalformedError('Unsupported JWS extension')
  if (header.typ !== typ) throw new WrongTypeError(typ, header.typ)
  if (typeof header.kid !== 'string' || header.kid.length === 0) {
    throw new MalformedError('JWS header has no kid')
  }
  const keySet = KeySet.from(keys)
  const key = keySet.get(header.kid)
  if (key === undefined) throw new UnknownKeyError(header.kid)
  const signature = decodeBase64url(jws.slice(second + 1))
  if (signature?.length !== 64) throw new BadSignatureError('Signature must be 64 bytes')
  if (!verifyEd25519(Buffer.from(jws.slice(0, second)), signature, key, engine)) {
    throw new BadSignatureError()
  }
  const payload = parseJsonObject(jws.slice(first + 1, second), 'JWS payload')
  return { header: header as unknown as JwsHeader, payload }
}

/** Runs `fn`, turning any non-LicenseError into MALFORMED so callers only ever see LicenseError. */
export function onlyLicenseErrors<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof LicenseError) throw err
    throw new MalformedError('Unparseable input', { cause: err })
  }
}
