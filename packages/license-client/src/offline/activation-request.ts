import { randomBytes } from 'node:crypto'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { ActivationRequestInvalidError } from './offline-errors.js'
import {
  ACTIVATION_REQUEST_FORMAT,
  MAX_ACTIVATION_REQUEST_BYTES,
  type ActivationRequest,
  type DeploymentPublicKey,
} from './offline-formats.js'

/** Input of {@link createActivationRequest}. */
export interface ActivationRequestInput {
  licenseId: string
  deploymentId: string
  fingerprint: ActivationRequest['fingerprint']
  appVersion?: string | null | undefined
  deploymentKey: DeploymentPublicKey
  /** Default: now. */
  createdAt?: Date
}

const ID = /^[\w.:-]{1,128}$/
const MACHINE_ID = /^[0-9a-f]{32}$/
const NONCE = /^[A-Za-z0-9_-]{22,86}$/
// Printable text only: no control characters, no bidi overrides or other format characters.
const TEXT = /^[^\p{Cc}\p{Cf}\p{Cs}]*$/u
const KEYS = [
  'format',
  'version',
  'licenseId',
  'deploymentId',
  'fingerprint',
  'appVersion',
  'nonce',
  'createdAt',
  'deploymentKey',
]

/**
 * Builds an activation request (what `client.writeActivationRequest` writes) with a fresh
 * 16-byte nonce.
 *
 * @example
 * ```ts
 * const req = createActivationRequest({ licenseId, deploymentId, fingerprint, deploymentKey })
 * ```
 */
export function createActivationRequest(input: ActivationRequestInput): ActivationRequest {
  return {
    format: ACTIVATION_REQUEST_FORMAT,
    version: 1,
    licenseId: input.licenseId,
    deploymentId: input.deploymentId,
    fingerprint: {
      machineId: input.fingerprint.machineId,
      hostname: input.fingerprint.hostname.slice(0, 255),
      container: input.fingerprint.container,
    },
    appVersion: input.appVersion ?? null,
    nonce: encodeBase64url(randomBytes(16)),
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    deploymentKey: {
      kty: 'OKP',
      crv: 'Ed25519',
      x: input.deploymentKey.x,
    },
  }
}

/**
 * Parses and checks an activation request file (the server's first step): at most
 * {@link MAX_ACTIVATION_REQUEST_BYTES}, exactly the documented members, each in its bounds.
 * Throws {@link ActivationRequestInvalidError} naming the first problem.
 *
 * @example
 * ```ts
 * const req = parseActivationRequest(await readFile('req.json', 'utf8'))
 * req.fingerprint.machineId // 'a3f1…'
 * ```
 */
export function parseActivationRequest(text: unknown): ActivationRequest {
  if (typeof text !== 'string') throw new ActivationRequestInvalidError('expected JSON text')
  if (Buffer.byteLength(text) > MAX_ACTIVATION_REQUEST_BYTES) {
    throw new ActivationRequestInvalidError(`larger than ${MAX_ACTIVATION_REQUEST_BYTES} bytes`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new ActivationRequestInvalidError('not JSON')
  }
  return checkActivationRequest(data)
}

/**
 * {@link parseActivationRequest} for an already parsed value (a JSON body).
 *
 * @example
 * ```ts
 * const req = checkActivationRequest(JSON.parse(text))
 * ```
 */
export function checkActivationRequest(data: unknown): ActivationRequest {
  const fail = (why: string): never => {
    throw new ActivationRequestInvalidError(why)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('not a JSON object')
  const r = data as Record<string, unknown>
  for (const k of Object.keys(r)) if (!KEYS.includes(k)) fail(`unknown member "${k.slice(0, 32)}"`)
  if (r.format !== ACTIVATION_REQUEST_FORMAT) fail(`format must be "${ACTIVATION_REQUEST_FORMAT}"`)
  if (r.version !== 1) fail('version must be 1')
  if (typeof r.licenseId !== 'string' || !ID.test(r.licenseId)) fail('licenseId is not an id')
  if (typeof r.deploymentId !== 'string' || !ID.test(r.deploymentId)) {
    fail('deploymentId is not an id')
  }
  const fp = r.fingerprint as Record<string, unknown> | null
  if (typeof fp !== 'object' || fp === null || Array.isArray(fp)) fail('fingerprint is missing')
  if (Object.keys(fp!).some((k) => !['machineId', 'hostname', 'container'].includes(k))) {
    fail('fingerprint has an unknown member')
  }
  if (typeof fp!.machineId !== 'string' || !MACHINE_ID.test(fp!.machineId)) {
    fail('fingerprint.machineId must be 32 hex characters')
  }
  if (!isText(fp!.hostname, 255)) fail('fingerprint.hostname must be printable, 255 at most')
  if (
    fp!.container !== false &&
    !(typeof fp!.container === 'string' && MACHINE_ID.test(fp!.container))
  ) {
    fail('fingerprint.container must be false or 32 hex characters')
  }
  if (r.appVersion !== null && !isText(r.appVersion, 64)) {
    fail('appVersion must be null or printable, 64 at most')
  }
  if (typeof r.nonce !== 'string' || !NONCE.test(r.nonce)) fail('nonce must be base64url')
  if (
    typeof r.createdAt !== 'string' ||
    r.createdAt.length > 40 ||
    Number.isNaN(Date.parse(r.createdAt))
  ) {
    fail('createdAt must be an ISO 8601 time')
  }
  const key = r.deploymentKey as Record<string, unknown> | null
  if (
    typeof key !== 'object' ||
    key === null ||
    key.kty !== 'OKP' ||
    key.crv !== 'Ed25519' ||
    typeof key.x !== 'string' ||
    key.x.length !== 43 ||
    decodeBase64url(key.x)?.length !== 32
  ) {
    fail('deploymentKey must be an Ed25519 public JWK')
  }
  return {
    format: ACTIVATION_REQUEST_FORMAT,
    version: 1,
    licenseId: r.licenseId as string,
    deploymentId: r.deploymentId as string,
    fingerprint: {
      machineId: fp!.machineId as string,
      hostname: fp!.hostname as string,
      container: fp!.container as string | false,
    },
    appVersion: r.appVersion as string | null,
    nonce: r.nonce as string,
    createdAt: r.createdAt as string,
    deploymentKey: { kty: 'OKP', crv: 'Ed25519', x: key!.x as string },
  }
}

function isText(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max && TEXT.test(v)
}
