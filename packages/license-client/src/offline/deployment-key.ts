import { generateKeyPairSync } from 'node:crypto'
import { join } from 'node:path'
import { exportPrivateJwk } from '../keys/export-key.js'
import { importJwk } from '../keys/import-key.js'
import type { PrivateJwk, SigningKey } from '../keys/types.js'
import { readFileIfExists } from '../lib/atomic-file.js'
import { writeFileExclusive } from '../lib/write-file-exclusive.js'
import type { DeploymentPublicKey } from './offline-formats.js'

/** The deployment key's file in the storage dir (0600). */
export const DEPLOYMENT_KEY_FILE = 'offline-key.json'

/** A deployment's own key: signs its deactivation proofs. */
export interface DeploymentKey {
  signing: SigningKey
  publicKey: DeploymentPublicKey
}

/**
 * This deployment's Ed25519 key, created on first use in `<storageDir>/offline-key.json` (0600,
 * created exclusively so two processes never end up with two keys). The public half goes into
 * the activation request; the private half never leaves the machine and signs the deactivation
 * proof, which is how the server knows a proof came from the machine it activated.
 *
 * @example
 * ```ts
 * const key = await loadDeploymentKey('/var/lib/acme/tollgate', true)
 * key!.publicKey.x // base64url
 * ```
 */
export async function loadDeploymentKey(
  dir: string,
  create: boolean,
): Promise<DeploymentKey | undefined> {
  const path = join(dir, DEPLOYMENT_KEY_FILE)
  const existing = await readKey(path)
  if (existing !== undefined || !create) return existing
  const { privateKey } = generateKeyPairSync('ed25519')
  const jwk = exportPrivateJwk(privateKey, 'deployment')
  await writeFileExclusive(path, JSON.stringify(jwk))
  return readKey(path)
}

async function readKey(path: string): Promise<DeploymentKey | undefined> {
  const text = await readFileIfExists(path, 4096)
  if (text === undefined || text.trim() === '') return undefined
  const jwk = JSON.parse(text) as PrivateJwk
  const privateKey = importJwk({ ...jwk, kid: jwk.x })
  return {
    signing: { kid: jwk.x, privateKey },
    publicKey: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
  }
}
