import { stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { MachineFingerprint } from '../client/machine-fingerprint.js'
import type { ClientCore } from '../client/core.js'
import type { Logger } from '../client/types.js'
import { LicenseError } from '../lib/license-error.js'
import { readFileIfExists, writeFileAtomic } from '../lib/atomic-file.js'
import { createActivationRequest } from './activation-request.js'
import { signDeactivationProof } from './deactivation-proof.js'
import { loadDeploymentKey } from './deployment-key.js'
import { verifyMachineFile } from './machine-file.js'
import { MachineFileRefusedError, type MachineFileRefusal } from './offline-errors.js'
import {
  MAX_MACHINE_FILE_LENGTH,
  type ActivationRequest,
  type MachineFileClaims,
} from './offline-formats.js'

/** The machine file's name in the storage dir when no `machineFile` path is configured. */
export const STORED_MACHINE_FILE = 'machine.lic'
/** Activation ids this machine deactivated: their files are never accepted here again. */
const DEACTIVATED_FILE = 'offline-deactivated.json'
const MAX_DEACTIVATED = 100

/** What the state function needs to know about offline activation. */
export interface MachineState {
  /** True when this install runs only with a machine file. */
  required: boolean
  /** The accepted machine file's claims. */
  claims: MachineFileClaims | null
  /** Why the present file is not usable. */
  refusal: { code: 'deployment_mismatch' | 'invalid'; reason: string } | null
}

/** What {@link OfflineActivation.read} found on disk. */
export type MachineFiles =
  | { stamp: string; changed: false }
  | { stamp: string; changed: true; text: string | undefined; deactivated: string[] }

/** Wiring of {@link OfflineActivation}. */
export interface OfflineActivationOptions {
  core: ClientCore
  dir: string
  /** The app's configured machine file path (makes a machine file required). */
  machineFile: string | undefined
  fingerprint: () => Promise<MachineFingerprint>
  logger: Logger
  now: () => number
}

/**
 * The client's side of offline activation: writes activation requests, accepts a machine file
 * only on the machine it names (a copied file is `deployment_mismatch`), and writes the signed
 * deactivation proof. Keeps `core.machine` current for the state function.
 */
export class OfflineActivation {
  readonly #o: OfflineActivationOptions
  /** Identity of the machine file last read; undefined forces a re-read. */
  #stamp: string | undefined

  constructor(o: OfflineActivationOptions) {
    this.#o = o
  }

  /** Where the machine file lives: the configured path, else the storage dir. */
  get path(): string {
    return machineFilePath(this.#o.dir, this.#o.machineFile)
  }

  /** Reads the machine file (again, when it changed on disk) and updates `core.machine`. */
  async load(): Promise<void> {
    await this.apply(this.read())
  }

  /** The disk half of {@link load}: see {@link readMachineFiles}. */
  read(): Promise<MachineFiles> {
    return readMachineFiles(this.path, this.#o.dir, this.#stamp)
  }

  /** The state half of {@link load}: judges what {@link read} found and sets `core.machine`. */
  async apply(files: Promise<MachineFiles>): Promise<void> {
    const read = await files
    if (!read.changed || read.stamp === this.#stamp) return
    this.#stamp = read.stamp
    const { text, deactivated } = read
    const required =
      this.#o.machineFile !== undefined || text !== undefined || deactivated.length > 0
    if (text === undefined || text.trim() === '') {
      const reason =
        deactivated.length > 0
          ? 'Deactivated on this machine; bring a new machine file'
          : `Not activated: no machine file at ${this.path}`
      this.#o.core.machine = required
        ? { required, claims: null, refusal: { code: 'invalid', reason } }
        : undefined
      return
    }
    try {
      const claims = await this.check(text.trim(), { judgeTime: false })
      this.#o.core.machine = { required, claims, refusal: null }
    } catch (err) {
      const refused = err instanceof MachineFileRefusedError ? err : undefined
      const code = refused?.reason === 'deployment_mismatch' ? 'deployment_mismatch' : 'invalid'
      const reason = refused?.message ?? 'The machine file is unreadable'
      this.#o.logger.warn({ code: 'MACHINE_FILE_REFUSED', file: this.path }, reason)
      this.#o.core.machine = { required, claims: null, refusal: { code, reason } }
    }
  }

  /**
   * Verifies a machine file for this machine and license. Throws
   * {@link MachineFileRefusedError}: `invalid`, `license_mismatch`, `deployment_mismatch`
   * (another machine's file), `deactivated`, or `expired` (when `judgeTime`).
   */
  async check(text: string, opts: { judgeTime: boolean }): Promise<MachineFileClaims> {
    const { core } = this.#o
    const refuse = (reason: MachineFileRefusal, message: string, cause?: unknown): never => {
      throw new MachineFileRefusedError(reason, message, { cause })
    }
    if (core.keys === null) refuse('invalid', 'No verification keys to check the machine file')
    let claims: MachineFileClaims
    try {
      claims = verifyMachineFile(text.trim(), core.keys!)
    } catch (err) {
      const why = err instanceof LicenseError ? `${err.code}: ${err.message}` : 'unreadable'
      return refuse('invalid', `The machine file does not verify (${why})`, err)
    }
    const lid = core.license?.id
    if (lid !== undefined && claims.lid !== lid) {
      refuse('license_mismatch', `The machine file is for license ${claims.lid}, not ${lid}`)
    }
    const { machineId } = await this.#o.fingerprint()
    if (claims.fpr !== machineId) {
      refuse('deployment_mismatch', 'The machine file was issued for another machine')
    }
    if ((await readDeactivated(this.#o.dir)).includes(claims.jti)) {
      refuse('deactivated', 'This machine file was deactivated on this machine')
    }
    if (opts.judgeTime && claims.exp <= Math.floor(this.#o.now() / 1000)) {
      refuse('expired', `The machine file expired on ${new Date(claims.exp * 1000).toISOString()}`)
    }
    if (claims.rl !== undefined) core.acceptRevocationList(claims.rl, 'machine file')
    return claims
  }

  /** Builds and writes an activation request (0600) to `out`. */
  async writeRequest(out: string, appVersion: string | undefined): Promise<ActivationRequest> {
    const { core } = this.#o
    const licenseId = core.license?.id
    if (licenseId === undefined) {
      throw new MachineFileRefusedError('invalid', 'No valid license key to request activation for')
    }
    const key = (await loadDeploymentKey(this.#o.dir, true))!
    const request = createActivationRequest({
      licenseId,
      deploymentId: core.opts.deploymentId,
      fingerprint: await this.#o.fingerprint(),
      appVersion: appVersion ?? null,
      deploymentKey: key.publicKey,
      createdAt: new Date(this.#o.now()),
    })
    await writeFileAtomic(out, `${JSON.stringify(request, null, 2)}\n`)
    return request
  }

  /** Checks `text` and, when it is for this machine, installs it as the machine file. */
  async accept(text: string): Promise<MachineFileClaims> {
    const claims = await this.check(text, { judgeTime: true })
    await writeFileAtomic(this.path, `${text.trim()}\n`)
    this.#stamp = undefined
    await this.load()
    return claims
  }

  /**
   * Gives the seat up: writes a deactivation proof signed by the deployment key to `out`,
   * records the activation as deactivated here, and removes the stored machine file.
   */
  async deactivate(out: string): Promise<string> {
    const claims = this.#o.core.machine?.claims
    if (claims === null || claims === undefined) {
      throw new MachineFileRefusedError('invalid', 'No machine file in use to deactivate')
    }
    const key = await loadDeploymentKey(this.#o.dir, false)
    if (key === undefined || key.publicKey.x !== claims.dpk) {
      throw new MachineFileRefusedError('invalid', 'The deployment key of this activation is gone')
    }
    const proof = signDeactivationProof(claims, key.signing, new Date(this.#o.now()))
    await writeFileAtomic(out, `${proof}\n`)
    const ids = [...(await readDeactivated(this.#o.dir)), claims.jti].slice(-MAX_DEACTIVATED)
    await writeFileAtomic(join(this.#o.dir, DEACTIVATED_FILE), JSON.stringify({ ids }))
    if (this.#o.machineFile === undefined) await unlink(this.path).catch(() => undefined)
    this.#stamp = undefined
    await this.load()
    return proof
  }
}

/** Where the machine file lives: the configured path, else `machine.lic` in the storage dir. */
export function machineFilePath(dir: string, machineFile: string | undefined): string {
  return machineFile ?? join(dir, STORED_MACHINE_FILE)
}

/**
 * The disk half of {@link OfflineActivation.load}: the machine file and the deactivated ids,
 * read only when the file's stamp differs from `lastStamp`. Needs no keys or license, so a
 * start reads it side by side with its other files. `listed`: the names a start saw in `dir`
 * (files not among them are not looked at); `path` counts as in `dir` unless `ownPath`.
 *
 * @example
 * ```ts
 * const files = readMachineFiles(machineFilePath(dir, undefined), dir, undefined)
 * ```
 */
export async function readMachineFiles(
  path: string,
  dir: string,
  lastStamp: string | undefined,
  listed?: { names: ReadonlySet<string>; ownPath: boolean },
): Promise<MachineFiles> {
  const unlisted = (name: string) => listed !== undefined && !listed.names.has(name)
  const s =
    listed?.ownPath === false && unlisted(STORED_MACHINE_FILE)
      ? undefined
      : await stat(path).catch(() => undefined)
  const stamp = s === undefined ? '' : `${s.ino}:${s.size}:${s.mtimeMs}`
  if (stamp === lastStamp) return { stamp, changed: false }
  const [text, deactivated] = await Promise.all([
    // Absent at the stat: nothing to open (a file made since is seen at the next look).
    s === undefined
      ? undefined
      : readFileIfExists(path, MAX_MACHINE_FILE_LENGTH + 16).catch(() => undefined),
    unlisted(DEACTIVATED_FILE) ? [] : readDeactivated(dir),
  ])
  return { stamp, changed: true, text, deactivated }
}

/** Activation ids deactivated on this machine (from the storage dir). */
async function readDeactivated(dir: string): Promise<string[]> {
  const text = await readFileIfExists(join(dir, DEACTIVATED_FILE), 64 * 1024).catch(() => undefined)
  if (text === undefined) return []
  try {
    const ids = (JSON.parse(text) as { ids?: unknown }).ids
    return Array.isArray(ids) ? ids.filter((i): i is string => typeof i === 'string') : []
  } catch {
    return []
  }
}
