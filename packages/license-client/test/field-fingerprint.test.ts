// A storage dir copied to another machine, per the license's `onFingerprintChange` policy:
// report (keep the seat, flag it), rebind (a new deployment here), block (refused until the
// operator removes deployment.json). Real files, the real license server.
import { createHash } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createLicenseClient, type LicenseClient } from '@tollgate/license-client'
import { recordingLogger } from './client-fixtures.js'
import type { RealServer } from './real-server.js'
import { realServerField } from './helpers/field-env.js'

const OTHER_MACHINE = 'f'.repeat(32)
let server: RealServer
let dir: string
const open: LicenseClient[] = []
realServerField((env) => ({ dir, server } = env))
// Registered after the field's hooks, so it runs before the dir is removed.
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

/**
 * A license with the given policy, already running as `dep_copied` on another machine, whose
 * storage dir (its deployment.json) was copied here.
 */
async function copiedFromAnotherMachine(onFingerprintChange?: string) {
  const issued = await server.issueLicense(
    onFingerprintChange === undefined ? {} : { onFingerprintChange },
  )
  const first = await request(`${server.url}/v1/deployments/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      key: issued.token,
      deploymentId: 'dep_copied',
      fingerprint: { hostname: 'original', machineId: OTHER_MACHINE },
    }),
  })
  expect(first.statusCode).toBe(200)
  await first.body.dump()
  const data = { deploymentId: 'dep_copied', machineId: OTHER_MACHINE, createdAt: '2026-01-01' }
  const sha256 = createHash('sha256').update(JSON.stringify(data)).digest('hex')
  writeFileSync(join(dir, 'deployment.json'), `${JSON.stringify({ v: 1, sha256, data })}\n`)
  return issued
}

async function start(token: string) {
  const client = await createLicenseClient({
    token,
    publicKeys: server.jwks,
    serverUrl: server.url,
    storageDir: dir,
    autoHeartbeat: false,
    logger: recordingLogger(),
  })
  open.push(client)
  return client
}

async function fingerprintViolations(licenseId: string) {
  const r = await server.api<{ items: { severity: string; source: string }[] }>(
    'GET',
    `/v1/admin/violations?licenseId=${licenseId}&kind=fingerprint_changed`,
  )
  return r.json.items.map((v) => `${v.source}:${v.severity}`).sort()
}

async function deploymentCount(licenseId: string) {
  const r = await server.api<{ items: unknown[] }>(
    'GET',
    `/v1/admin/licenses/${licenseId}/deployments`,
  )
  return r.json.items.length
}

describe('onFingerprintChange', () => {
  it('report (the default): the copy keeps its id and seat, flagged medium by server and client', async () => {
    const license = await copiedFromAnotherMachine()
    const client = await start(license.token)
    expect(client.deploymentId).toBe('dep_copied')
    expect((await client.refresh()).code).toBe('valid')
    expect(await fingerprintViolations(license.id)).toEqual(['client:medium', 'server:medium'])
    expect(await deploymentCount(license.id)).toBe(1)
  })

  it('rebind: the copy starts as a new deployment of this machine, nothing flagged', async () => {
    const license = await copiedFromAnotherMachine('rebind')
    const client = await start(license.token)
    expect(client.deploymentId).not.toBe('dep_copied')
    expect((await client.refresh()).code).toBe('valid')
    expect(readFileSync(join(dir, 'deployment.json'), 'utf8')).toContain(client.deploymentId)
    expect(await fingerprintViolations(license.id)).toEqual([])
    expect(await deploymentCount(license.id)).toBe(2)
    await client.close()
    // Stable: the next start keeps the new id.
    expect((await start(license.token)).deploymentId).toBe(client.deploymentId)
  })

  it('block: deployment_mismatch offline and online, on every start, until deployment.json is removed', async () => {
    const license = await copiedFromAnotherMachine('block')
    const client = await start(license.token)
    expect(client.deploymentId).toBe('dep_copied')
    expect(client.state.code).toBe('deployment_mismatch') // before any server contact
    expect(client.hasFeature('sso')).toBe(false)
    expect((await client.refresh()).code).toBe('deployment_mismatch')
    expect(await fingerprintViolations(license.id)).toEqual(['server:high'])
    expect(readFileSync(join(dir, 'deployment.json'), 'utf8')).toContain(OTHER_MACHINE)
    await client.close()
    expect((await start(license.token)).state.code).toBe('deployment_mismatch')
    await Promise.all(open.splice(0).map((c) => c.close()))
    rmSync(join(dir, 'deployment.json'))
    const fresh = await start(license.token)
    expect(fresh.deploymentId).not.toBe('dep_copied')
    expect((await fresh.refresh()).code).toBe('valid')
  })
})
