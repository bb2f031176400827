/** Every stable error code the enclave runner can raise. */
export type EnclaveErrorCode =
  | 'INVALID_BYTECODE'
  | 'INVALID_ANALYSIS_TYPE'
  | 'INVALID_NONCE'
  | 'INVALID_REQUEST'
  | 'LICENSE_INVALID'
  | 'NOT_ENTITLED'
  | 'KEY_REFUSED'
  | 'SEALED_BUNDLE_INVALID'
  | 'WORKER_TIMEOUT'
  | 'WORKER_MEMORY_EXCEEDED'
  | 'WORKER_OUTPUT_TOO_LARGE'
  | 'WORKER_CRASHED'
  | 'WORKER_PROTOCOL'
  | 'SANDBOX_UNAVAILABLE'
  | 'WORKER_BUNDLE_MISSING'

/**
 * Error raised by the enclave runner. `code` is stable and safe to map onto HTTP statuses;
 * `reason` carries the key broker's or license verifier's own code when there is one.
 *
 * @example
 * ```ts
 * try { await runAnalysis(req) } catch (e) {
 *   if (e instanceof EnclaveError && e.code === 'NOT_ENTITLED') reply.code(403)
 * }
 * ```
 */
export class EnclaveError extends Error {
  override readonly name = 'EnclaveError'
  readonly code: EnclaveErrorCode
  readonly reason: string | undefined

  constructor(
    code: EnclaveErrorCode,
    message: string,
    opts: { reason?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.code = code
    this.reason = opts.reason
  }
}
