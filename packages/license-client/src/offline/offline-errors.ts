import { LicenseError } from '../lib/license-error.js'

/**
 * An activation request file is not one the client SDK writes (wrong shape, oversized, bad
 * characters). The message names the first problem.
 *
 * @example
 * ```ts
 * try { parseActivationRequest(text) } catch (err) {
 *   if (err instanceof ActivationRequestInvalidError) console.error(err.message)
 * }
 * ```
 */
export class ActivationRequestInvalidError extends LicenseError {
  constructor(message: string) {
    super('ACTIVATION_REQUEST_INVALID', `Activation request refused: ${message}`)
  }
}

/** Why a machine file was refused (`deployment_mismatch`: it names another machine). */
export type MachineFileRefusal =
  'invalid' | 'deployment_mismatch' | 'license_mismatch' | 'expired' | 'deactivated'

/**
 * A machine file the client will not use: bad signature or shape, another machine (a copied
 * file: `reason === 'deployment_mismatch'`), another license, expired, or deactivated here.
 *
 * @example
 * ```ts
 * try { await client.activateOffline({ machineFile: text }) } catch (err) {
 *   if (err instanceof MachineFileRefusedError && err.reason === 'deployment_mismatch') warnCopied()
 * }
 * ```
 */
export class MachineFileRefusedError extends LicenseError {
  /** The refusal reason, stable for branching. */
  readonly reason: MachineFileRefusal

  constructor(reason: MachineFileRefusal, message: string, options?: { cause?: unknown }) {
    super('MACHINE_FILE_REFUSED', message, options)
    this.reason = reason
  }
}

/**
 * A deactivation proof is malformed, or its signature is not the deployment key's.
 *
 * @example
 * ```ts
 * err instanceof DeactivationProofInvalidError // err.code === 'DEACTIVATION_PROOF_INVALID'
 * ```
 */
export class DeactivationProofInvalidError extends LicenseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEACTIVATION_PROOF_INVALID', `Deactivation proof refused: ${message}`, options)
  }
}
