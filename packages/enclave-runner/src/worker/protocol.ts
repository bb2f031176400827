// Line-delimited JSON between launcher (parent) and worker (child) over stdin/stdout.
import type { SignedAnalysisResult } from '@tollgate/license-client/attestation'
import type { WrappedKey } from '../lib/key-wrap.js'
import type { AnalysisType } from '../analysis/types.js'

/** What the caller asks the worker to analyse. */
export interface WorkerJob {
  readonly bytecode: string
  readonly analysisType: AnalysisType
  readonly nonce: string
  readonly licenseToken: string
  /** Sandbox probes; honoured only by a worker built with selfTest (never in production). */
  readonly probes?: readonly Probe[]
}

export type Probe =
  | { readonly op: 'read'; readonly path: string }
  | { readonly op: 'spawn' }
  | { readonly op: 'net'; readonly host: string; readonly port: number }
  | { readonly op: 'loop' }
  | { readonly op: 'heap' }
  | { readonly op: 'buffer' }
  | { readonly op: 'flood' }

export interface ProbeOutcome {
  readonly op: Probe['op']
  readonly allowed: boolean
  readonly detail: string
}

/** The key broker's answer, relayed by the launcher. */
export type KeyReleaseReply =
  | { readonly type: 'key'; readonly wrapped: WrappedKey; readonly licenseId: string }
  | { readonly type: 'key-refused'; readonly code: string; readonly message: string }

export type ToWorker =
  | { readonly type: 'start'; readonly job: WorkerJob }
  | { readonly type: 'attestation'; readonly document: string }
  | KeyReleaseReply

export type FromWorker =
  | {
      readonly type: 'attest'
      readonly publicKey: string
      readonly userData: string
      readonly nonce: string
    }
  | {
      readonly type: 'key-request'
      readonly attestation: string
      readonly licenseToken: string
      readonly analysisType: AnalysisType
    }
  | { readonly type: 'result'; readonly signed: SignedAnalysisResult }
  | { readonly type: 'probes'; readonly outcomes: readonly ProbeOutcome[] }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
