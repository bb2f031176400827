import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PcrSet } from '@tollgate/license-client/attestation'
import { measure } from '../lib/pcr.js'

/** A worker laid out for execution, with the measurements of exactly those bytes. */
export interface StagedWorker {
  readonly dir: string
  readonly entry: string
  readonly pcrs: ReadonlyMap<number, Uint8Array>
  readonly measurement: PcrSet
  remove(): void
}

export const WORKER_ENTRY = 'worker.mjs'
export const SEALED_ENTRY = 'analysis.sealed'

/**
 * Copy the worker file and the sealed bundle into a fresh private directory (read-only
 * files) and measure the bytes written: PCR0 = worker, PCR1 = runtime, PCR2 = sealed bundle.
 */
export function stageWorker(workerPath: string, sealed: Uint8Array, runtime: string): StagedWorker {
  const worker = readFileSync(workerPath)
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-enclave-'))
  writeFileSync(join(dir, WORKER_ENTRY), worker, { mode: 0o400 })
  writeFileSync(join(dir, SEALED_ENTRY), sealed, { mode: 0o400 })
  chmodSync(dir, 0o500)
  const pcrs = new Map<number, Uint8Array>([
    [0, measure(worker)],
    [1, measure(runtime)],
    [2, measure(sealed)],
  ])
  const hex = (i: number): string => Buffer.from(pcrs.get(i) ?? new Uint8Array(0)).toString('hex')
  return {
    dir,
    entry: WORKER_ENTRY,
    pcrs,
    measurement: { 0: hex(0), 1: hex(1), 2: hex(2) },
    remove: () => {
      chmodSync(dir, 0o700)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
