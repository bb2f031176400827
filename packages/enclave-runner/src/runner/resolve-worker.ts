import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EnclaveError } from '../errors.js'
import { bundleWorker } from './bundle-worker.js'

let onDemand: Promise<string> | undefined

/**
 * The worker file to run. From the built package: the prebuilt `dist-worker/worker.mjs`.
 * From source (tests, `tollgate-source`): bundled once per process into a temp directory,
 * so a stale build can never be the thing measured.
 */
export function resolveWorkerPath(): Promise<string> {
  const here = import.meta.url
  if (!/\.ts$/.test(here)) {
    const prebuilt = fileURLToPath(new URL('../dist-worker/worker.mjs', here))
    if (existsSync(prebuilt)) return Promise.resolve(prebuilt)
    return Promise.reject(
      new EnclaveError(
        'WORKER_BUNDLE_MISSING',
        `worker bundle not found at ${prebuilt}; run the package build`,
      ),
    )
  }
  onDemand ??= bundleWorker({
    outFile: join(tmpdir(), `tollgate-worker-${process.pid}`, 'worker.mjs'),
  })
  return onDemand
}
