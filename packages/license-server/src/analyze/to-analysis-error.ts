import { EnclaveError } from '@tollgate/enclave-runner'
import type { EnclaveErrorCode } from '@tollgate/enclave-runner'
import { AppError } from '../errors/app-error.js'
import type { ErrorCode } from '../errors/error-codes.js'

// Every runner code maps to a row of the error table; the runner's code stays in the message
// so operators can tell a timeout from a memory kill without reading the logs.
const BY_CODE: Record<EnclaveErrorCode, ErrorCode> = {
  INVALID_BYTECODE: 'INVALID_BYTECODE',
  INVALID_ANALYSIS_TYPE: 'VALIDATION_FAILED',
  INVALID_NONCE: 'VALIDATION_FAILED',
  INVALID_REQUEST: 'VALIDATION_FAILED',
  LICENSE_INVALID: 'INVALID_LICENSE_KEY',
  NOT_ENTITLED: 'NOT_ENTITLED',
  KEY_REFUSED: 'ANALYSIS_FAILED',
  SEALED_BUNDLE_INVALID: 'ANALYSIS_UNAVAILABLE',
  WORKER_TIMEOUT: 'ANALYSIS_TIMEOUT',
  WORKER_MEMORY_EXCEEDED: 'ANALYSIS_LIMIT_EXCEEDED',
  WORKER_OUTPUT_TOO_LARGE: 'ANALYSIS_LIMIT_EXCEEDED',
  WORKER_CRASHED: 'ANALYSIS_FAILED',
  WORKER_PROTOCOL: 'ANALYSIS_FAILED',
  SANDBOX_UNAVAILABLE: 'ANALYSIS_UNAVAILABLE',
  WORKER_BUNDLE_MISSING: 'ANALYSIS_UNAVAILABLE',
}

/**
 * Turns an error of the enclave runner into the API error table's code (anything else passes
 * through for the generic handler). A key refusal for a nonce the runner has already seen is
 * the caller's mistake (409 NONCE_REPLAYED), not a server failure.
 *
 * @example
 * ```ts
 * try { return await runner.analyze(req) } catch (err) { throw toAnalysisError(err) }
 * ```
 */
export function toAnalysisError(err: unknown): unknown {
  if (!(err instanceof EnclaveError)) return err
  if (err.code === 'KEY_REFUSED') {
    if (err.reason === 'NONCE_REPLAYED')
      return new AppError('NONCE_REPLAYED', 'This nonce was already used; send a fresh one', {
        cause: err,
      })
    // The broker re-checks the license; its verdict means the same as the runner's own check.
    if (err.reason === 'NOT_ENTITLED')
      return new AppError('NOT_ENTITLED', err.message, { cause: err })
    if (err.reason === 'LICENSE_INVALID')
      return new AppError('INVALID_LICENSE_KEY', err.message, { cause: err })
  }
  const code = BY_CODE[err.code]
  const detail = err.reason ? `${err.code}/${err.reason}` : err.code
  return new AppError(code, `${err.message} (${detail})`, { cause: err })
}
