// Offline activation end to end with real files and the real license server (issue 18): machine
// A writes a request file, the server signs a machine file, A runs valid with no server while
// a copy on machine B is refused; A's deactivation proof frees the seat on the server.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  MachineFileRefusedError,
  createLicenseClient,
  type LicenseClient,
  type MachineFingerprint,
} from '@tollgate/license-client'
import { recordingLogger, tempDir } from './client-fixtures.js'
import { startRealServer, type RealServer } from './real-server.js'

/** Two air-gapped machines, told apart the way the real fingerprint does (machine-id hash). */
const A: MachineFingerprint = { machineId: '1a'.repeat(16), hostname: 'plant-a', container: false }
const B: MachineFingerprint = { machineId: '2b'.repeat(16), hostname: 'plant-b', container: false }

let server: RealServer
const cleanups: (() => void)[] = []
const clients: LicenseClient[] = []
beforeAll(async () => {
  server = await startRealServer()
})
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})
afterAll(async () => {
  await server?.close()
  for (const c of cleanups.splice(0)) c()
})

async function airGapped(token: string, machine: MachineFingerprint, machineFile: string) {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const client = await createLicenseClient({
    token,
    publicKeys: server.jwks, // pinned: no network at all
    storageDir: t.dir,
    machineFile,
    appVersion: '5.0.0',
    logger: recordingLogger(),
    machineFingerprint: () => Promise.resolve(machine),
  })
  clients.push(client)
  return { client, dir: t.dir }
}

const seats = async (licenseId: string) =>
  (
    await server.api<{ items: unknown[] }>(
      'GET',
      `/v1/admin/licenses/${licenseId}/deployments?status=active`,
    )
  ).json.items.length

describe('offline activation against the real server', () => {
  it('request on A -> machine file -> valid on A offline, refused on B; proof frees the seat', async () => {
    const { id, token } = await server.issueLicense()
    const files = tempDir()
    cleanups.push(files.cleanup)
    const fileA = join(files.dir, 'a-machine.lic')
    const a = await airGapped(token, A, fileA)
    expect(a.client.state.code).toBe('invalid') // not activated yet

    const reqPath = join(files.dir, 'req.json')
    await a.client.writeActivationRequest(reqPath)
    const created = await server.api<{ machineFile: string }>(
      'POST',
      `/v1/admin/licenses/${id}/offline-activations`,
      { request: readFileSync(reqPath, 'utf8') },
    )
    expect(created.status, JSON.stringify(created.json)).toBe(201)
    expect(await seats(id)).toBe(1)

    await a.client.activateOffline({ machineFile: created.json.machineFile })
    expect(a.client.state.code).toBe('valid')
    expect(a.client.hasFeature('sso')).toBe(true)
    expect(readFileSync(fileA, 'utf8').trim()).toBe(created.json.machineFile)

    // The same file copied to machine B.
    const fileB = join(files.dir, 'b-machine.lic')
    writeFileSync(fileB, created.json.machineFile)
    const b = await airGapped(token, B, fileB)
    expect(b.client.state.code).toBe('deployment_mismatch')
    expect(b.client.hasFeature('sso')).toBe(false)
    await expect(
      b.client.activateOffline({ machineFile: created.json.machineFile }),
    ).rejects.toSatisfy(
      (e: unknown) => e instanceof MachineFileRefusedError && e.reason === 'deployment_mismatch',
    )

    // A restarts with no server: still valid from the file alone.
    await a.client.close()
    const again = await createLicenseClient({
      token,
      publicKeys: server.jwks,
      storageDir: a.dir,
      machineFile: fileA,
      logger: recordingLogger(),
      machineFingerprint: () => Promise.resolve(A),
    })
    clients.push(again)
    expect(again.state.code).toBe('valid')

    // Deactivation: the proof frees the seat, once.
    const proofPath = join(files.dir, 'proof.jws')
    await again.deactivateOffline(proofPath)
    expect(again.state.code).toBe('invalid')
    const proof = readFileSync(proofPath, 'utf8')
    const freed = await server.api('POST', '/v1/admin/offline-activations/deactivate', { proof })
    expect(freed.status).toBe(200)
    expect(freed.json).toMatchObject({ deactivated: true, seatFreed: true })
    expect(await seats(id)).toBe(0)
    const replay = await server.api('POST', '/v1/admin/offline-activations/deactivate', { proof })
    expect(replay.json).toMatchObject({ deactivated: false })
  })
})
