import { readFileIfExists } from '../lib/atomic-file.js'
import { machineFilePath, readMachineFiles } from '../offline/offline-activation.js'
import type { MachineFiles } from '../offline/offline-activation.js'
import { readCoreFiles, type ClientCore, type CoreFiles } from './core.js'
import { mtimeOf } from './load-config.js'
import type { ClientStore } from './storage.js'
import type { LicenseClientOptions } from './types.js'
import type { UsageLedger } from './usage-ledger.js'

/** The reads a start has in flight (see {@link readAtStart}). */
export interface StartReads {
  /** The storage dir exists (created when missing); false when it cannot be. */
  dirReady: Promise<boolean>
  orphansCleaned: Promise<number>
  coreFiles: Promise<CoreFiles>
  machineFiles: Promise<MachineFiles>
  usageLoaded: Promise<void>
  /** deployment.json as found, when the id is not given. */
  storedDeployment: Promise<string | undefined> | undefined
}

/**
 * Asks for every file a start reads at once, side by side, after one listing of the storage dir
 * (files it does not list are not opened, and the dir is created only when missing): a start
 * costs about one disk round. The caller judges what comes back, in order, once it knows its
 * keys and deployment id. None of these promises rejects.
 *
 * @example
 * ```ts
 * const reads = readAtStart(store, usage, opts)
 * await core.load(reads.coreFiles)
 * ```
 */
export function readAtStart(
  store: ClientStore,
  usage: UsageLedger,
  opts: LicenseClientOptions,
): StartReads {
  const scan = store.scan()
  const dirReady = scan.then((seen) => seen?.exists === true || store.ensureDir())
  const orphansCleaned = scan.then((seen) => store.cleanOrphans(seen))
  const coreFiles = scan.then((seen) => readCoreFiles(store, seen))
  const machineFiles = scan.then((seen) =>
    readMachineFiles(
      machineFilePath(store.dir, opts.machineFile),
      store.dir,
      undefined,
      seen && { names: seen.names, ownPath: opts.machineFile !== undefined },
    ),
  )
  const usageLoaded = scan.then((seen) => usage.load(seen))
  const storedDeployment =
    opts.deploymentId === undefined
      ? scan.then((seen) => store.readText('deployment', seen))
      : undefined
  return { dirReady, orphansCleaned, coreFiles, machineFiles, usageLoaded, storedDeployment }
}

/**
 * Reads the configured revocation list file when its mtime changed since the last call and
 * hands it to `core` (which keeps it only if it verifies and is newer). A no-op without a file.
 *
 * @example
 * ```ts
 * const readRevocationFile = revocationFileReader(opts.revocationListFile, core)
 * await readRevocationFile()
 * ```
 */
export function revocationFileReader(
  file: string | undefined,
  core: Pick<ClientCore, 'acceptRevocationList'>,
): () => Promise<void> {
  let lastMtime: number | undefined
  return async () => {
    if (file === undefined) return
    const mtime = await mtimeOf(file)
    if (mtime === undefined || mtime === lastMtime) return
    lastMtime = mtime
    const text = await readFileIfExists(file).catch(() => undefined)
    if (text !== undefined) core.acceptRevocationList(text.trim(), file)
  }
}
