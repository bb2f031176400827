// Offline activation on the client (issue 18): the activation request file, and a machine file
// accepted only on the machine it names. Signed here with the vendor key; the real-server round
// trip is in offline-activation-server.test.ts.
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  MachineFileRefusedError,
  createLicenseClient,
  parseActivationRequest,
  signMachineFile,
  verifyDeactivationProof,
  writeActivationRequest,
  type ActivationRequest,
  type LicenseClient,
  type MachineFingerprint,
} from '@tollgate/license-client'
import { DURING } from './helpers.js'
import { fakeClock, jwks, recordingLogger, tempDir, token, vendor } from './client-fixtures.js'

const DAY_MS = 86_400_000
/** Two fake machines: what `/etc/machine-id` + hostname hash to on each. */
const machineA: MachineFingerprint = { machineId: 'a'.repeat(32), hostname: 'a', container: false }
const machineB: MachineFingerprint = { machineId: 'b'.repeat(32), hostname: 'b', container: false }

const cleanups: (() => void)[] = []
const clients: LicenseClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  for (const c of cleanups.splice(0)) c()
})

async function clientOn(
  machine: MachineFingerprint,
  extra: { machineFile?: string; dir?: string } = {},
): Promise<{ client: LicenseClient; dir: string }> {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const dir = extra.dir ?? t.dir
  const clock = fakeClock(DURING.getTime())
  const client = await createLicenseClient({
    token,
    publicKeys: jwks,
    storageDir: dir,
    appVersion: '2.1.0',
    now: clock.now,
    logger: recordingLogger(),
    machineFingerprint: () => Promise.resolve(machine),
    ...(extra.machineFile === undefined ? {} : { machineFile: extra.machineFile }),
  })
  clients.push(client)
  return { client, dir }
}

function machineFileFor(request: ActivationRequest, validDays = 30): string {
  return signMachineFile(
    {
      activationId: 'oac_test1',
      request,
      issuedAt: DURING,
      expiresAt: new Date(DURING.getTime() + validDays * DAY_MS),
    },
    vendor,
  )
}

describe('activation request', () => {
  it('names the license, this deployment and the seat-binding fingerprint; written 0600', async () => {
    const { client, dir } = await clientOn(machineA)
    const out = join(dir, 'req.json')
    const written = await client.writeActivationRequest(out)
    expect(statSync(out).mode & 0o777).toBe(0o600)
    const parsed = parseActivationRequest(readFileSync(out, 'utf8'))
    expect(parsed).toEqual(written)
    expect(parsed.licenseId).toBe('lic_01HZX3')
    expect(parsed.deploymentId).toBe(client.deploymentId)
    expect(parsed.appVersion).toBe('2.1.0')
    // The same fingerprint the deployment id is bound to (deployment.json).
    expect(readFileSync(join(dir, 'deployment.json'), 'utf8')).toContain(machineA.machineId)
    expect(parsed.fingerprint.machineId).toBe(machineA.machineId)
    expect(statSync(join(dir, 'offline-key.json')).mode & 0o777).toBe(0o600)
    // A second request has a fresh nonce but the same deployment key.
    const again = await client.writeActivationRequest(out)
    expect(again.nonce).not.toBe(parsed.nonce)
    expect(again.deploymentKey).toEqual(parsed.deploymentKey)
  })

  it('the standalone writer gives the deployment id and key a client on that dir uses', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const out = join(t.dir, 'req.json')
    const fp = () => Promise.resolve(machineA)
    const req = await writeActivationRequest({
      token,
      storageDir: t.dir,
      out,
      machineFingerprint: fp,
    })
    const { client } = await clientOn(machineA, { dir: t.dir })
    expect(req.deploymentId).toBe(client.deploymentId)
    const fromClient = await client.writeActivationRequest(join(t.dir, 'req2.json'))
    expect(fromClient.deploymentKey).toEqual(req.deploymentKey)
  })

  it('garbage requests are refused with ACTIVATION_REQUEST_INVALID', () => {
    const good = JSON.stringify({
      format: 'tollgate-activation-request',
      version: 1,
      licenseId: 'lic_1',
      deploymentId: 'dep_1',
      fingerprint: { machineId: 'a'.repeat(32), hostname: 'h', container: false },
      appVersion: null,
      nonce: 'A'.repeat(22),
      createdAt: new Date().toISOString(),
      deploymentKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) },
    })
    expect(parseActivationRequest(good).licenseId).toBe('lic_1')
    for (const bad of [
      'null',
      '[]',
      'x'.repeat(20_000),
      good.replace('lic_1', 'lic\\u0000'),
      good.replace('"h"', '"\\u202eevil"'),
      good.replace('"appVersion":null', '"appVersion":{}'),
      good.replace('"version":1', '"version":1,"extra":1'),
      good.replace('A'.repeat(43), 'A'.repeat(42)),
    ]) {
      expect(() => parseActivationRequest(bad)).toThrow(
        expect.objectContaining({ code: 'ACTIVATION_REQUEST_INVALID' }),
      )
    }
  })
})

describe('machine file', () => {
  it('valid on the machine it names with no server; a copy on machine B is deployment_mismatch', async () => {
    const a = await clientOn(machineA, {})
    const request = await a.client.writeActivationRequest(join(a.dir, 'req.json'))
    const file = machineFileFor(request)
    await a.client.activateOffline({ machineFile: file })
    expect(a.client.state.code).toBe('valid')
    expect(a.client.state.daysLeft).toBe(30)

    const t = tempDir()
    cleanups.push(t.cleanup)
    const copied = join(t.dir, 'machine.lic')
    writeFileSync(copied, file)
    const b = await clientOn(machineB, { machineFile: copied })
    expect(b.client.state.code).toBe('deployment_mismatch')
    expect(b.client.hasFeature('sso')).toBe(false)
    await expect(b.client.activateOffline({ machineFile: file })).rejects.toSatisfy(
      (e: unknown) => e instanceof MachineFileRefusedError && e.reason === 'deployment_mismatch',
    )
  })

  it('a required machine file: invalid until installed, expired after its validity', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'machine.lic')
    const a = await clientOn(machineA, { machineFile: path })
    expect(a.client.state.code).toBe('invalid')
    const request = await a.client.writeActivationRequest(join(a.dir, 'req.json'))
    await expect(
      a.client.activateOffline({ machineFile: machineFileFor(request, 0) }),
    ).rejects.toMatchObject({ reason: 'expired' })
    writeFileSync(path, machineFileFor(request, 1))
    await a.client.refresh()
    expect(a.client.state.code).toBe('valid')
    // A tampered signature is refused.
    const file = machineFileFor(request)
    const tampered = `${file.slice(0, -4)}AAAA`
    await expect(a.client.activateOffline({ machineFile: tampered })).rejects.toMatchObject({
      reason: 'invalid',
    })
  })

  it('deactivation writes a proof signed by the deployment key and stops using the file', async () => {
    const a = await clientOn(machineA)
    const request = await a.client.writeActivationRequest(join(a.dir, 'req.json'))
    const file = machineFileFor(request)
    await a.client.activateOffline({ machineFile: file })
    const out = join(a.dir, 'proof.jws')
    await a.client.deactivateOffline(out)
    expect(statSync(out).mode & 0o777).toBe(0o600)
    const proof = verifyDeactivationProof(readFileSync(out, 'utf8').trim(), request.deploymentKey.x)
    expect(proof).toMatchObject({ act: 'oac_test1', lid: 'lic_01HZX3', fpr: machineA.machineId })
    expect(a.client.state.code).toBe('invalid')
    // The same file is not taken back on this machine.
    await expect(a.client.activateOffline({ machineFile: file })).rejects.toMatchObject({
      reason: 'deactivated',
    })
    // Another key's signature is not this deployment's proof.
    expect(() => verifyDeactivationProof(readFileSync(out, 'utf8').trim(), 'B'.repeat(43))).toThrow(
      expect.objectContaining({ code: 'DEACTIVATION_PROOF_INVALID' }),
    )
  })
})
