import { generateKeyPairSync } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { machineFingerprint, type MachineFingerprint } from '../client/machine-fingerprint.js'
import { exportPrivateJwk, jwkThumbprint } from '../keys/export-key.js'
import { importJwk } from '../keys/import-key.js'
import type { PrivateJwk, PublicJwk, SigningKey } from '../keys/types.js'
import { readFileIfExists } from '../lib/atomic-file.js'
import { writeFileExclusive } from '../lib/write-file-exclusive.js'
import { RELAY_REQUEST_TYPE, type RelayRequest } from './types.js'

/** The relay key's file in the relay's data dir (0600). */
export const RELAY_KEY_FILE = 'relay-key.json'

/** A relay's own key: signs the seat leases it hands out. */
export interface RelayIdentity {
  signing: SigningKey
  publicKey: PublicJwk
}

/**
 * The relay's Ed25519 key from `<dataDir>/relay-key.json`; with `create`, generated on first use
 * (dir 0700, file 0600, created exclusively so two starts never make two keys). Undefined when
 * missing and not created.
 *
 * @example
 * ```ts
 * const id = await loadRelayIdentity('/var/lib/tollgate-relay', true)
 * id!.publicKey.kid // thumbprint
 * ```
 */
export async function loadRelayIdentity(
  dataDir: string,
  create = false,
): Promise<RelayIdentity | undefined> {
  const path = join(dataDir, RELAY_KEY_FILE)
  const existing = await readIdentity(path)
  if (existing !== undefined || !create) return existing
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const jwk = exportPrivateJwk(privateKey, jwkThumbprint(publicKey))
  await writeFileExclusive(path, JSON.stringify(jwk))
  return readIdentity(path)
}

/**
 * The relay request for an identity: what the vendor needs to sign a pool file for this relay
 * (its public key and this machine's hashed fingerprint). Nothing secret.
 *
 * @example
 * ```ts
 * const request = await relayRequestOf(identity)
 * await writeFile('relay-req.json', JSON.stringify(request, null, 2))
 * ```
 */
export async function relayRequestOf(
  identity: RelayIdentity,
  fingerprint: () => Promise<MachineFingerprint> = machineFingerprint,
  now: Date = new Date(),
): Promise<RelayRequest> {
  const fp = await fingerprint()
  return {
    type: RELAY_REQUEST_TYPE,
    v: 1,
    relayKey: { kty: 'OKP', crv: 'Ed25519', x: identity.publicKey.x, kid: identity.publicKey.kid },
    machineId: fp.machineId,
    hostname: fp.hostname,
    createdAt: now.toISOString(),
  }
}

async function readIdentity(path: string): Promise<RelayIdentity | undefined> {
  const text = await readFileIfExists(path, 4096)
  if (text === undefined || text.trim() === '') return undefined
  const jwk = JSON.parse(text) as PrivateJwk
  const privateKey = importJwk(jwk)
  return {
    signing: { kid: jwk.kid, privateKey },
    publicKey: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: jwk.kid, alg: 'EdDSA', use: 'sig' },
  }
}
