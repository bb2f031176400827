// Key rotation beyond the pinned key: the server serves a chain of signed links (each key
// vouching for its successor), so a client whose pinned key was retired follows the vendor's
// rotations; a forged chain or an older key set is refused. The real license server, real files.
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createLicenseClient,
  decodeLicense,
  exportPublicJwk,
  generateKeyPair,
  signKeySet,
  signLicense,
  type Jwks,
  type LicenseClientOptions,
} from '@tollgate/license-client'
import { KeySetAnchor } from '../src/client/key-set-anchor.js'
import { deadUrl, recordingLogger } from './client-fixtures.js'
import { sampleClaims } from './helpers.js'
import type { RealServer } from './real-server.js'
import { realServerField } from './helpers/field-env.js'

type ServedJwks = Jwks & { signatures: string[]; chain: string[] }

let server: RealServer
let dir: string
realServerField((env) => ({ dir, server } = env))
const attacker = generateKeyPair('attacker-2')

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

async function served(): Promise<ServedJwks> {
  return (await server.api<ServedJwks>('GET', '/.well-known/jwks.json')).json
}

async function rotate(): Promise<string> {
  const r = await server.api<{ kid: string }>('POST', '/v1/admin/signing-keys/rotate', {})
  expect(r.status).toBe(201)
  return r.json.kid
}

async function retire(kid: string): Promise<void> {
  const r = await server.api('POST', `/v1/admin/signing-keys/${kid}/retire`, {})
  expect(r.status).toBeLessThan(300)
}

function plantKeySet(doc: unknown): void {
  const body = JSON.stringify(doc)
  const sha256 = createHash('sha256').update(body).digest('hex')
  writeFileSync(join(dir, 'jwks.json'), `${JSON.stringify({ v: 1, sha256, data: doc })}\n`)
}

describe('a rotation chain from a retired pinned key', () => {
  it('rotated twice with the pinned key retired: the client follows online and after an offline restart; a forged chain is refused', async () => {
    const pinned: Jwks = { keys: (await served()).keys } // the vendor's first key, shipped
    const first = pinned.keys[0]!.kid
    const second = await rotate()
    await retire(first)
    const third = await rotate()
    await retire(second)
    const doc = await served()
    expect(doc.chain).toHaveLength(2)
    const { token } = await server.issueLicense() // signed by the third key
    expect(decodeLicense(token).header.kid).toBe(third)

    const online = await start(token, { publicKeys: pinned })
    expect((await online.refresh()).code).toBe('valid')
    await online.close()
    const offline = await start(token, {
      publicKeys: pinned,
      serverUrl: await deadUrl(),
      jwksUrl: `${await deadUrl()}/.well-known/jwks.json`,
    })
    expect(offline.state.code).toBe('valid') // the cached set and its chain, from the pinned key
    await offline.close()

    // A customer plants their key, "vouched for" by a link they signed, and a license they signed.
    const own = { keys: [exportPublicJwk(attacker.publicKey, attacker.kid)] }
    const forgedLink = signKeySet(own, attacker, new Date(), 99)
    plantKeySet({
      ...own,
      signatures: [signKeySet(own, attacker)],
      chain: [...doc.chain, forgedLink],
    })
    const forged = signLicense(
      sampleClaims({
        issuer: decodeLicense(token).claims.iss,
        issuedAt: new Date(),
        expiresAt: new Date(Date.now() + 864e5 * 300),
      }),
      attacker,
    )
    const swapped = await start(forged, {
      publicKeys: pinned,
      serverUrl: await deadUrl(),
      jwksUrl: `${await deadUrl()}/.well-known/jwks.json`,
    })
    expect(swapped.state.code).toBe('invalid')
    await swapped.close()
  })

  it('refuses an older key set naming other keys (rollback), and a chain that goes back', async () => {
    const pinned: Jwks = { keys: (await served()).keys.slice(0, 1) } // the active key (newest)
    const removed = await rotate()
    const older = await served()
    expect(older.keys.map((k) => k.kid)).toContain(removed)
    await new Promise((r) => setTimeout(r, 1100)) // statements carry whole seconds
    const del = await server.api('POST', `/v1/admin/signing-keys/${removed}/retire`, {})
    expect(del.status).toBeLessThan(300)
    const deleted = await server.app.inject({
      method: 'DELETE',
      url: `/v1/admin/signing-keys/${removed}`,
      headers: { authorization: `Bearer ${server.app.tollgate.bootstrap.ownerKey!}` },
    })
    expect(deleted.statusCode).toBe(204)
    const newer = await served()
    const anchor = new KeySetAnchor(pinned)
    expect(anchor.accept(newer).has(removed)).toBe(false)
    expect(() => anchor.accept(older)).toThrow(/rollback/)
    // The same set served again (a cache), or a newer one, is fine.
    expect(anchor.accept(newer).has(removed)).toBe(false)

    // Links must move forward: a link with a lower seq after a higher one is not followed.
    const a = generateKeyPair('chain-a')
    const b = generateKeyPair('chain-b')
    const setOf = (k: typeof a) => ({ keys: [exportPublicJwk(k.publicKey, k.kid)] })
    const trust = new KeySetAnchor(setOf(a))
    const backwards = {
      ...setOf(a),
      signatures: [signKeySet(setOf(b), b)],
      chain: [signKeySet(setOf(a), a, new Date(), 5), signKeySet(setOf(b), a, new Date(), 4)],
    }
    expect(() => trust.accept({ ...backwards, keys: setOf(b).keys })).toThrow()
    const forwards = {
      ...backwards,
      chain: [backwards.chain[0]!, signKeySet(setOf(b), a, new Date(), 6)],
    }
    expect(new KeySetAnchor(setOf(a)).accept({ ...forwards, keys: setOf(b).keys }).has(b.kid)).toBe(
      true,
    )
  })
})
