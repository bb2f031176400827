import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  KeySet,
  createActivationRequest,
  exportPublicJwk,
  generateKeyPair,
  signDeactivationProof,
  verifyMachineFile,
  type Jwks,
} from '@tollgate/license-client'
import { customerCreate, licenseIssue, planCreate, run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// `tollgate activation create|deactivate` against the real server, with real files: an
// air-gapped machine's request becomes a machine file (a seat), its proof frees the seat.
let server: RunningServer
let t: TestContext
let licenseId: string
let dir: string

beforeAll(async () => {
  server = await startServer()
  dir = mkdtempSync(join(tmpdir(), 'tollgate-activation-'))
  t = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey } })
  const customer = (await customerCreate({ name: 'Plant Co' }, t.ctx)).data as { id: string }
  const plan = (
    await planCreate(
      { name: 'Site', product: 'app', tier: 'site', maxDeployments: 1, durationDays: 365 },
      t.ctx,
    )
  ).data as { id: string }
  const issued = (await licenseIssue({ customer: customer.id, plan: plan.id }, t.ctx)).data as {
    license: { id: string }
  }
  licenseId = issued.license.id
})
afterAll(async () => {
  await server?.close()
  t?.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

/** Runs the CLI with fresh captured output. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey } })
  try {
    const code = await run(args, c.ctx)
    return { code, out: c.stdout(), err: c.stderr() }
  } finally {
    c.cleanup()
  }
}

function request(n: number) {
  const key = generateKeyPair()
  const x = exportPublicJwk(key.publicKey, key.kid).x
  const req = createActivationRequest({
    licenseId,
    deploymentId: `dep_site_${n}`,
    fingerprint: { machineId: String(n).repeat(32), hostname: `site-${n}`, container: false },
    deploymentKey: { kty: 'OKP', crv: 'Ed25519', x },
  })
  const path = join(dir, `req-${n}.json`)
  writeFileSync(path, JSON.stringify(req))
  return { path, key: { ...key, kid: x } }
}

describe('tollgate activation', () => {
  it('create writes a verified machine file (0600); the one seat is then taken; deactivate frees it', async () => {
    const one = request(1)
    const lic = join(dir, 'machine.lic')
    const created = await cli([
      'activation',
      'create',
      '--request',
      one.path,
      '--out',
      lic,
      '--json',
    ])
    expect(created.code, created.err).toBe(0)
    const out = JSON.parse(created.out) as { file: string; activationId: string; seats: string }
    expect(out.seats).toBe('1/1')
    expect(statSync(lic).mode & 0o777).toBe(0o600)
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as Jwks
    const claims = verifyMachineFile(readFileSync(lic, 'utf8').trim(), KeySet.from(jwks))
    expect(claims).toMatchObject({ lid: licenseId, fpr: '1'.repeat(32), jti: out.activationId })

    // The license's only seat is taken: a second machine is refused with the server's code.
    const two = request(2)
    const refused = await cli([
      'activation',
      'create',
      '--request',
      two.path,
      '--out',
      join(dir, 'two.lic'),
    ])
    expect(refused.code).not.toBe(0)
    expect(refused.err).toContain('TOO_MANY_DEPLOYMENTS')

    const proof = join(dir, 'proof.jws')
    writeFileSync(proof, signDeactivationProof(claims, one.key, new Date()))
    const freed = await cli(['activation', 'deactivate', '--proof', proof, '--yes', '--json'])
    expect(freed.code, freed.err).toBe(0)
    expect(JSON.parse(freed.out)).toMatchObject({ deactivated: true, seatFreed: true })
    const replay = await cli(['activation', 'deactivate', '--proof', proof, '--yes'])
    expect(replay.out).toContain('already deactivated')
    const retry = await cli([
      'activation',
      'create',
      '--request',
      two.path,
      '--out',
      join(dir, 'two.lic'),
    ])
    expect(retry.code, retry.err).toBe(0)
  })

  it('a garbage request file is a usage error and nothing is written', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"format":"nope"}')
    const bad = await cli([
      'activation',
      'create',
      '--request',
      join(dir, 'bad.json'),
      '--out',
      join(dir, 'bad.lic'),
    ])
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('Activation request refused')
    expect(() => statSync(join(dir, 'bad.lic'))).toThrow()
  })
})
