// The set-up every field test shares: a fresh storage dir per test, a server (a stand-in on a
// real port, or the real license server), and a client started with quiet, recorded logs and
// no heartbeat loop. The hooks are registered by the call; `bind` hands the test file its
// per-test dir and server (test bodies keep their own `dir` and `server` variables).
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import {
  createLicenseClient,
  type LicenseClient,
  type LicenseClientOptions,
} from '@tollgate/license-client'
import { FakeLicenseServer, jwks, recordingLogger, tempDir, token } from '../client-fixtures.js'
import { startRealServer, type RealServer } from '../real-server.js'

/** The recording logger of a started client. */
export type RecordingLogger = ReturnType<typeof recordingLogger>

/** A started client and what it logged. */
export interface Started {
  client: LicenseClient
  logger: RecordingLogger
}

/**
 * Per test: a fresh storage dir and a {@link FakeLicenseServer} (closed and removed after).
 * `configure` runs on each new server (e.g. to fix its clock).
 *
 * @example
 * ```ts
 * let dir: string
 * let server: FakeLicenseServer
 * fakeServerField((env) => ({ dir, server } = env))
 * ```
 */
export function fakeServerField(
  bind: (env: { dir: string; server: FakeLicenseServer }) => void,
  configure: (server: FakeLicenseServer) => void = () => undefined,
): void {
  let cleanup: () => void = () => undefined
  let server: FakeLicenseServer | undefined
  beforeEach(async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    server = await FakeLicenseServer.start()
    configure(server)
    bind({ dir: temp.dir, server })
  })
  afterEach(async () => {
    await server?.close()
    cleanup()
  })
}

/**
 * The real license server for the whole file (in-memory database), and a fresh storage dir
 * per test.
 *
 * @example
 * ```ts
 * let dir: string
 * let server: RealServer
 * realServerField((env) => ({ dir, server } = env))
 * ```
 */
export function realServerField(bind: (env: { dir: string; server: RealServer }) => void): void {
  let server: RealServer | undefined
  let cleanup: () => void = () => undefined
  beforeAll(async () => {
    server = await startRealServer()
  })
  afterAll(async () => {
    await server?.close()
  })
  beforeEach(() => {
    const temp = tempDir()
    cleanup = temp.cleanup
    bind({ dir: temp.dir, server: server! })
  })
  afterEach(() => cleanup())
}

/**
 * Starts a client on `storageDir` with the fixture license and keys, a recording logger and
 * `autoHeartbeat: false`; `over` replaces any of these.
 *
 * @example
 * ```ts
 * const { client, logger } = await startClient({ storageDir: dir, serverUrl: server.url })
 * ```
 */
export async function startClient(
  over: Partial<LicenseClientOptions> & { storageDir: string },
): Promise<Started> {
  const logger = recordingLogger()
  const client = await createLicenseClient({
    token,
    publicKeys: jwks,
    autoHeartbeat: false,
    logger,
    ...over,
  })
  return { client, logger }
}
