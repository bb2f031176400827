import { createHash, randomBytes } from 'node:crypto'
import { realpath } from 'node:fs/promises'
import { decodeChecked } from '../lib/atomic-file.js'
import { FileLock } from '../lib/file-lock.js'
import type { FingerprintChangePolicy } from '../token/types.js'
import type { MachineFingerprint } from './machine-fingerprint.js'
import type { ClientStore } from './storage.js'
import type { Logger } from './types.js'

/** This deployment's id, and whether its storage dir came from another machine. */
export interface DeploymentIdentity {
  deploymentId: string
  /** The machine id recorded with the deployment id, when it differs from this machine's. */
  movedFrom: string | undefined
  /** What the license's policy made of the move (set with `movedFrom`). */
  onMove?: FingerprintChangePolicy
  /** False when the id could not be written to the storage dir (it is derived, so stable). */
  persisted: boolean
}

interface DeploymentFile {
  deploymentId: string
  machineId?: string
  createdAt?: string
}

const isDeployment = (d: unknown): d is DeploymentFile =>
  typeof d === 'object' &&
  d !== null &&
  typeof (d as { deploymentId?: unknown }).deploymentId === 'string' &&
  /^[\w.:-]{1,128}$/.test((d as { deploymentId: string }).deploymentId)

/**
 * The deployment id: given, else the one in `deployment.json`, else a new one **derived from
 * the machine fingerprint and the storage path** — so an unwritable or wiped storage dir gets
 * the same id on every start instead of a new seat each time. Read and created under the
 * storage dir's lock, so processes starting together agree on one id. A `deployment.json` of
 * this machine, already read by the caller (`seen`), is used as found: the file is only ever
 * replaced atomically and under the lock, so the lock is needed only to create or rebind it.
 *
 * @example
 * ```ts
 * const id = await loadDeploymentIdentity(store, undefined, machineFingerprint, logger)
 * ```
 */
export async function loadDeploymentIdentity(
  store: ClientStore,
  given: string | undefined,
  fingerprintOf: () => Promise<MachineFingerprint>,
  logger: Logger,
  modeOnMove: () => FingerprintChangePolicy = () => 'report',
  seen?: Promise<string | undefined>,
): Promise<DeploymentIdentity> {
  if (given !== undefined) return { deploymentId: given, movedFrom: undefined, persisted: true }
  const [fingerprint, text] = await Promise.all([
    fingerprintOf(),
    seen ?? store.readText('deployment'),
  ])
  const found = text === undefined ? undefined : decodeChecked(text)
  if (
    isDeployment(found) &&
    (found.machineId === undefined || found.machineId === fingerprint.machineId)
  ) {
    return { deploymentId: found.deploymentId, movedFrom: undefined, persisted: true }
  }
  const lock = new FileLock(store.path('stateLock'), 10_000)
  const locked = await lock.acquire(5_000)
  try {
    const stored = await store.readJson('deployment', isDeployment)
    const movedFrom =
      stored?.machineId !== undefined && stored.machineId !== fingerprint.machineId
        ? stored.machineId
        : undefined
    const onMove = movedFrom === undefined ? undefined : modeOnMove()
    // rebind: the copy is a new deployment of this machine; block: the file stays as found, so
    // every start sees the move until an operator removes it.
    const deploymentId =
      stored !== undefined && onMove !== 'rebind'
        ? stored.deploymentId
        : await derivedId(store.dir, fingerprint)
    let persisted = stored !== undefined && (movedFrom === undefined || onMove === 'block')
    if (!persisted) {
      const createdAt = onMove === 'rebind' ? undefined : stored?.createdAt
      persisted = await writeDeployment(store, deploymentId, fingerprint, createdAt)
    }
    if (stored === undefined && persisted && locked) {
      logger.info?.({ deploymentId }, 'Created the deployment id')
    }
    if (!persisted) {
      logger.error(
        { code: 'STORAGE_ERROR', dir: store.dir, deploymentId },
        `Could not keep the deployment id in ${store.dir}: using one derived from this machine ` +
          'and path (stable across restarts). Make the storage dir writable.',
      )
    }
    return { deploymentId, movedFrom, persisted, ...(onMove && { onMove }) }
  } finally {
    await lock.release()
  }
}

/** Writes `deployment.json` (again); true when it is on disk. */
export function writeDeployment(
  store: ClientStore,
  deploymentId: string,
  fingerprint: MachineFingerprint,
  createdAt = new Date().toISOString(),
): Promise<boolean> {
  return store.writeJson('deployment', {
    deploymentId,
    machineId: fingerprint.machineId,
    createdAt,
  })
}

async function derivedId(dir: string, fingerprint: MachineFingerprint): Promise<string> {
  const path = await realpath(dir).catch(() => dir)
  if (fingerprint.machineId === '') return `dep_${randomBytes(12).toString('hex')}`
  const h = createHash('sha256').update(`${fingerprint.machineId}\u0000${path}`).digest('hex')
  return `dep_${h.slice(0, 24)}`
}
