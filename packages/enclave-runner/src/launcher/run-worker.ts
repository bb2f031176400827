import { createInterface } from 'node:readline'
import type { SignedAnalysisResult } from '@tollgate/license-client/attestation'
import { EnclaveError } from '../errors.js'
import type { EnclaveErrorCode } from '../errors.js'
import { spawnWorker } from '../sandbox/spawn-worker.js'
import type { WorkerLimits } from '../sandbox/spawn-worker.js'
import { treeRssMb } from '../sandbox/rss.js'
import type { FromWorker, ProbeOutcome, ToWorker, WorkerJob } from '../worker/protocol.js'
import type { KeyBroker } from '../broker/key-broker.js'

/** The host side of one run: who signs attestations and who answers key requests. */
export interface WorkerHost {
  readonly bundleDir: string
  readonly entry: string
  readonly limits: WorkerLimits
  readonly sandbox: 'bwrap' | 'none'
  /** Sign an attestation document for the worker's request (the emulated NSM). */
  attest(req: { publicKey: Uint8Array; userData: Uint8Array; nonce: Uint8Array }): Uint8Array
  readonly broker: KeyBroker
}

export type WorkerOutcome =
  | { readonly kind: 'result'; readonly signed: SignedAnalysisResult }
  | { readonly kind: 'probes'; readonly outcomes: readonly ProbeOutcome[] }

const KNOWN: ReadonlySet<string> = new Set<EnclaveErrorCode>([
  'KEY_REFUSED',
  'SEALED_BUNDLE_INVALID',
  'WORKER_PROTOCOL',
  'INVALID_BYTECODE',
])

/**
 * Run one job in a fresh sandboxed worker, relaying its attestation and key requests, and
 * enforce the limits: SIGKILL (whole process group) on wall-clock timeout, on resident
 * memory over the cap and on output over the cap, each reported with its own code.
 */
export function runWorker(host: WorkerHost, job: WorkerJob): Promise<WorkerOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawnWorker(host.bundleDir, host.entry, host.limits, host.sandbox)
    let outBytes = 0
    let stderr = ''
    let killedFor: EnclaveError | undefined
    let outcome: WorkerOutcome | undefined
    let failure: EnclaveError | undefined
    const kill = (err: EnclaveError): void => {
      killedFor ??= err
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }
    const timer = setTimeout(
      () =>
        kill(
          new EnclaveError(
            'WORKER_TIMEOUT',
            `worker exceeded ${host.limits.timeoutMs} ms and was killed`,
          ),
        ),
      host.limits.timeoutMs,
    )
    const memory = setInterval(() => {
      if (child.pid !== undefined && treeRssMb(child.pid) > host.limits.memoryMb) {
        kill(
          new EnclaveError(
            'WORKER_MEMORY_EXCEEDED',
            `worker exceeded ${host.limits.memoryMb} MiB resident and was killed`,
          ),
        )
      }
    }, 20)
    const count = (n: number): void => {
      outBytes += n
      if (outBytes > host.limits.maxOutputBytes) {
        kill(
          new EnclaveError(
            'WORKER_OUTPUT_TOO_LARGE',
            `worker wrote more than ${host.limits.maxOutputBytes} bytes and was killed`,
          ),
        )
      }
    }
    const send = (msg: ToWorker): void => {
      if (!child.stdin.destroyed) child.stdin.write(`${JSON.stringify(msg)}\n`)
    }
    child.stdin.on('error', () => undefined) // the worker may die before reading
    child.stderr.on('data', (d: Buffer) => {
      count(d.length)
      if (stderr.length < 4096) stderr += d.toString('utf8')
    })
    child.stdout.on('data', (d: Buffer) => count(d.length))
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity })
    lines.on('line', (line) => {
      if (killedFor) return
      let msg: FromWorker
      try {
        msg = JSON.parse(line) as FromWorker
      } catch {
        return kill(new EnclaveError('WORKER_PROTOCOL', 'worker wrote a line that is not JSON'))
      }
      try {
        handle(msg)
      } catch (err) {
        kill(
          err instanceof EnclaveError
            ? err
            : new EnclaveError('WORKER_PROTOCOL', 'bad message from worker', { cause: err }),
        )
      }
    })
    const handle = (msg: FromWorker): void => {
      switch (msg.type) {
        case 'attest': {
          const doc = host.attest({
            publicKey: Buffer.from(msg.publicKey, 'base64'),
            userData: Buffer.from(msg.userData, 'base64'),
            nonce: Buffer.from(msg.nonce, 'base64'),
          })
          return send({ type: 'attestation', document: Buffer.from(doc).toString('base64') })
        }
        case 'key-request': {
          const answer = host.broker.releaseKey({
            attestation: Buffer.from(msg.attestation, 'base64'),
            licenseToken: msg.licenseToken,
            analysisType: msg.analysisType,
          })
          return send(
            answer.ok
              ? { type: 'key', wrapped: answer.wrapped, licenseId: answer.licenseId }
              : { type: 'key-refused', code: answer.code, message: answer.message },
          )
        }
        case 'result':
          outcome = { kind: 'result', signed: msg.signed }
          return
        case 'probes':
          outcome = { kind: 'probes', outcomes: msg.outcomes }
          return
        case 'error': {
          const [code = 'WORKER_CRASHED', reason] = msg.code.split(':')
          failure = new EnclaveError(
            KNOWN.has(code) ? (code as EnclaveErrorCode) : 'WORKER_CRASHED',
            msg.message,
            reason ? { reason } : {},
          )
          return
        }
      }
    }
    child.on('error', (err) =>
      kill(new EnclaveError('WORKER_CRASHED', `could not start the worker: ${err.message}`)),
    )
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      clearInterval(memory)
      if (killedFor) return reject(killedFor)
      if (failure) return reject(failure)
      if (outcome && code === 0) return resolve(outcome)
      if (signal === 'SIGABRT' || /heap out of memory|Allocation failed/i.test(stderr)) {
        return reject(
          new EnclaveError('WORKER_MEMORY_EXCEEDED', 'worker ran out of its V8 heap limit'),
        )
      }
      reject(
        new EnclaveError(
          'WORKER_CRASHED',
          `worker exited (${signal ?? `code ${String(code)}`}) without a result: ${stderr.slice(-300)}`,
        ),
      )
    })
    send({ type: 'start', job })
  })
}
