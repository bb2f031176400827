import type { PublicJwk } from '../keys/types.js'
import { RelayRequestInvalidError } from './pool-errors.js'
import { MAX_RELAY_REQUEST_LENGTH, RELAY_REQUEST_TYPE, type RelayRequest } from './types.js'

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/
const KID = /^[A-Za-z0-9_-]{1,128}$/

/**
 * Checks a parsed relay request member by member (what `tollgate relay init` writes); only the
 * known members are kept. Throws {@link RelayRequestInvalidError}.
 *
 * @example
 * ```ts
 * const request = checkRelayRequest(JSON.parse(text))
 * request.relayKey.kid // the relay key's thumbprint
 * ```
 */
export function checkRelayRequest(value: unknown): RelayRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RelayRequestInvalidError('A relay request is a JSON object')
  }
  const r = value as Record<string, unknown>
  if (r.type !== RELAY_REQUEST_TYPE || r.v !== 1) {
    throw new RelayRequestInvalidError(`Not a relay request (type ${RELAY_REQUEST_TYPE}, v 1)`)
  }
  const k = r.relayKey as Record<string, unknown> | null | undefined
  if (
    typeof k !== 'object' ||
    k === null ||
    k.kty !== 'OKP' ||
    k.crv !== 'Ed25519' ||
    typeof k.x !== 'string' ||
    !B64URL_32.test(k.x) ||
    typeof k.kid !== 'string' ||
    !KID.test(k.kid)
  ) {
    throw new RelayRequestInvalidError('relayKey must be an Ed25519 public JWK with a kid')
  }
  if (typeof r.machineId !== 'string' || !/^[0-9a-f]{0,64}$/.test(r.machineId)) {
    throw new RelayRequestInvalidError('machineId must be the hashed fingerprint (hex)')
  }
  if (typeof r.hostname !== 'string' || r.hostname.length > 255) {
    throw new RelayRequestInvalidError('hostname must be a string of at most 255 characters')
  }
  if (typeof r.createdAt !== 'string' || Number.isNaN(Date.parse(r.createdAt))) {
    throw new RelayRequestInvalidError('createdAt must be an ISO time')
  }
  const relayKey: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: k.x, kid: k.kid }
  return {
    type: RELAY_REQUEST_TYPE,
    v: 1,
    relayKey,
    machineId: r.machineId,
    hostname: r.hostname,
    createdAt: r.createdAt,
  }
}

/**
 * Parses a relay request file's text (size-capped JSON), then {@link checkRelayRequest}.
 *
 * @example
 * ```ts
 * const request = parseRelayRequest(await readFile('relay-req.json', 'utf8'))
 * ```
 */
export function parseRelayRequest(text: string): RelayRequest {
  if (typeof text !== 'string' || text.length > MAX_RELAY_REQUEST_LENGTH) {
    throw new RelayRequestInvalidError(
      `A relay request is at most ${MAX_RELAY_REQUEST_LENGTH} characters`,
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new RelayRequestInvalidError('The relay request is not JSON')
  }
  return checkRelayRequest(value)
}
