import type { PcrSet, SignedAnalysisResult } from '@tollgate/license-client/attestation'
import { createEnclaveRunner } from './runner/create-enclave-runner.js'
import type { AnalyzeRequest, EnclaveRunnerOptions } from './runner/create-enclave-runner.js'

export type RunAnalysisOptions = AnalyzeRequest & EnclaveRunnerOptions

/** A signed result plus what a verifier needs to check it. */
export interface AnalysisOutcome {
  readonly signed: SignedAnalysisResult
  /** Pass these to `verifyAnalysisResult` (with the bytecode and nonce). */
  readonly verification: {
    readonly allowedPcrs: readonly PcrSet[]
    readonly trustedRoots: readonly string[]
    readonly allowEmulated: true
  }
  readonly sandbox: 'bwrap' | 'none'
}

/**
 * One-shot analysis for the CLI and the server route: set up a runner, analyse, tear down.
 * Pass `stateDir` so the CA and sealed bundle (hence root and measurement) persist. Throws
 * EnclaveError: INVALID_* (400), LICENSE_INVALID (401), NOT_ENTITLED (403), KEY_REFUSED,
 * WORKER_TIMEOUT, WORKER_MEMORY_EXCEEDED, WORKER_OUTPUT_TOO_LARGE, WORKER_CRASHED (5xx).
 *
 * @example
 * ```ts
 * const { signed, verification } = await runAnalysis({ bytecode, analysisType: 'vulnerability', licenseToken, jwks, nonce })
 * verifyAnalysisResult(signed, { bytecode, nonce, ...verification })
 * ```
 */
export async function runAnalysis(opts: RunAnalysisOptions): Promise<AnalysisOutcome> {
  const runner = await createEnclaveRunner(opts)
  try {
    const signed = await runner.analyze(opts)
    return {
      signed,
      verification: {
        allowedPcrs: opts.allowedPcrs ?? [runner.measurement],
        trustedRoots: [runner.rootCertificatePem],
        allowEmulated: true,
      },
      sandbox: runner.sandbox,
    }
  } finally {
    runner.close()
  }
}
