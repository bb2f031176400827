// Trust only what the vendor signed: a pinned vendor key is the trust anchor for key sets
// fetched from jwksUrl; a key set swapped in the storage dir unlocks nothing; a server that
// refuses the key downgrades the client. Against the real license server.
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createLicenseClient,
  decodeLicense,
  exportPublicJwk,
  generateKeyPair,
  signLicense,
  type Jwks,
  type LicenseClientOptions,
} from '@tollgate/license-client'
import { deadUrl, recordingLogger } from './client-fixtures.js'
import { sampleClaims } from './helpers.js'
import type { RealServer } from './real-server.js'
import { realServerField } from './helpers/field-env.js'

let server: RealServer
let dir: string
realServerField((env) => ({ dir, server } = env))
const attacker = generateKeyPair('attacker-1')

function start(token: string, over: Partial<LicenseClientOptions>) {
  return createLicenseClient({
    token,
    serverUrl: server.url,
    jwksUrl: `${server.url}/.well-known/jwks.json`,
    storageDir: dir,
    autoHeartbeat: false,
    logger: recordingLogger(),
    ...over,
  })
}

/** What a customer with root writes into the storage dir: their own key set, checksummed. */
function plantKeySet(doc: unknown): void {
  const body = JSON.stringify(doc)
  const sha256 = createHash('sha256').update(body).digest('hex')
  writeFileSync(join(dir, 'jwks.json'), `${JSON.stringify({ v: 1, sha256, data: doc })}\n`)
}

/** A license the attacker signed, naming the vendor's tenant. */
function forgedFor(realToken: string): string {
  const iss = decodeLicense(realToken).claims.iss
  return signLicense(
    sampleClaims({
      issuer: iss,
      issuedAt: new Date(),
      expiresAt: new Date(Date.now() + 864e5 * 300),
    }),
    attacker,
  )
}

describe('a pinned vendor key anchors the key sets from jwksUrl', () => {
  it('follows a rotation through the signed key set, online and after an offline restart; refuses a swapped set', async () => {
    const pinned: Jwks = server.jwks // the vendor ships this key with the app
    expect((pinned as { signatures?: unknown }).signatures).toEqual([expect.any(String)])
    const rotated = await server.api('POST', '/v1/admin/signing-keys/rotate', {})
    expect(rotated.status).toBe(201)
    const { token } = await server.issueLicense() // signed by the new key
    const online = await start(token, { publicKeys: pinned })
    expect((await online.refresh()).code).toBe('valid')
    await online.close()
    const offline = await start(token, {
      publicKeys: pinned,
      serverUrl: await deadUrl(),
      jwksUrl: `${await deadUrl()}/.well-known/jwks.json`,
    })
    expect(offline.state.code).toBe('valid') // the cached set, verified against the pinned key
    await offline.close()

    // The customer swaps in their own key set and a license they signed.
    const own = { keys: [exportPublicJwk(attacker.publicKey, attacker.kid)] }
    plantKeySet(own)
    const swapped = await start(forgedFor(token), {
      publicKeys: pinned,
      serverUrl: await deadUrl(),
      jwksUrl: `${await deadUrl()}/.well-known/jwks.json`,
    })
    expect(swapped.state.code).toBe('invalid')
    await swapped.close()
  })
})

describe('without a pinned key', () => {
  it('a key the server refuses (401 INVALID_LICENSE_KEY) downgrades the client and makes it fetch the keys again', async () => {
    const { token } = await server.issueLicense()
    const first = await start(token, {})
    expect((await first.refresh()).code).toBe('valid')
    await first.close()
    plantKeySet({ keys: [exportPublicJwk(attacker.publicKey, attacker.kid)] })
    const forged = forgedFor(token)
    const logger = recordingLogger()
    const client = await start(forged, { logger })
    // Offline, a rewritten cache is only as trustworthy as the storage dir (documented) ...
    expect(client.hasFeature('sso')).toBe(true)
    // ... but the server's refusal is heard at once.
    const state = await client.refresh()
    expect(state.code).toBe('invalid')
    expect(state.reason).toMatch(/INVALID_LICENSE_KEY/)
    expect(client.hasFeature('sso')).toBe(false)
    await client.refresh() // fetches the real keys: the forged key no longer verifies at all
    expect(client.state.code).toBe('invalid')
    expect(client.license).toBeNull()
    await client.close()
    expect(logger.entries.some((e) => /jwksUrl without publicKeys/.test(e.message))).toBe(true)
  })
})
