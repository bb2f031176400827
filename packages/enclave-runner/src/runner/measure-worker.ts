import { readFileSync } from 'node:fs'
import type { PcrSet } from '@tollgate/license-client/attestation'
import { measure } from '../lib/pcr.js'
import { DEFAULT_LIMITS, resolveSandbox } from '../sandbox/spawn-worker.js'
import type { SandboxMode, WorkerLimits } from '../sandbox/spawn-worker.js'
import { runtimeDescription } from './measure-runtime.js'

export interface MeasureWorkerOptions {
  /** The worker bundle file (e.g. dist-worker/worker.mjs). */
  readonly workerPath: string
  /** The sealed analysis bundle the runner will stage. */
  readonly sealedBundle: Uint8Array
  readonly limits?: Partial<WorkerLimits>
  readonly sandbox?: SandboxMode
}

/**
 * The PCRs a runner with these inputs will attest, computed without starting anything: what
 * a vendor publishes as the allowlist for verifiers (and gives the key broker).
 *
 * @example
 * ```ts
 * const pcrs = measureWorker({ workerPath: 'dist-worker/worker.mjs', sealedBundle })
 * verifyAnalysisResult(signed, { allowedPcrs: [pcrs], ... })
 * ```
 */
export function measureWorker(opts: MeasureWorkerOptions): PcrSet {
  const limits: WorkerLimits = { ...DEFAULT_LIMITS, ...opts.limits }
  const sandbox = resolveSandbox(opts.sandbox ?? 'auto')
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
  return {
    0: hex(measure(readFileSync(opts.workerPath))),
    1: hex(measure(runtimeDescription(limits, sandbox))),
    2: hex(measure(opts.sealedBundle)),
  }
}
