import type { KeySet } from '../keys/key-set.js'
import type { FingerprintChangePolicy, LicensePolicy } from '../token/types.js'
import { verifyLicense } from '../token/verify-license.js'
import type { ClientCore } from './core.js'
import type { DeploymentIdentity } from './deployment-identity.js'
import type { MachineFingerprint } from './machine-fingerprint.js'
import type { ServerSync } from './server-sync.js'
import type { Logger } from './types.js'

const MODES: ReadonlySet<string> = new Set(['report', 'rebind', 'block'])

/**
 * The policy's answer to a storage dir seen on another machine. Absent or unknown (a newer
 * issuer's value) means `report`, the behaviour of clients that predate the option.
 *
 * @example
 * ```ts
 * fingerprintChangeMode(license.claims.policy) // 'report' | 'rebind' | 'block'
 * ```
 */
export function fingerprintChangeMode(
  policy: Partial<LicensePolicy> | undefined,
): FingerprintChangePolicy {
  const mode = policy?.onFingerprintChange
  return typeof mode === 'string' && MODES.has(mode) ? mode : 'report'
}

/**
 * The mode of the license the client starts with, from the verified key only (an unverified
 * key could choose the lenient mode): `report` without a key or keys. Called only when a moved
 * storage dir is found, so a normal start verifies the key once.
 *
 * @example
 * ```ts
 * const mode = modeOfToken(token, keys)
 * ```
 */
export function modeOfToken(
  token: string | undefined,
  keys: KeySet | null,
): FingerprintChangePolicy {
  if (token === undefined || keys === null) return 'report'
  try {
    const { claims } = verifyLicense(token, keys, { ignoreExpiry: true, ignoreNotBefore: true })
    return fingerprintChangeMode(claims.policy)
  } catch {
    return 'report'
  }
}

/**
 * Acts on a storage dir that came from another machine, as its policy says: `report` queues a
 * medium violation; `block` makes the state `deployment_mismatch` (the server, asked to activate
 * the copy, refuses it and records a high violation); `rebind` already started a new deployment.
 *
 * @example
 * ```ts
 * await applyFingerprintChange(identity, { core, sync, fingerprint, logger })
 * ```
 */
export async function applyFingerprintChange(
  identity: DeploymentIdentity,
  deps: {
    core: ClientCore
    sync: ServerSync | undefined
    fingerprint: () => Promise<MachineFingerprint>
    logger: Logger
  },
): Promise<void> {
  const { movedFrom, onMove } = identity
  if (movedFrom === undefined) return
  const details = { previousMachineId: movedFrom, machineId: (await deps.fingerprint()).machineId }
  if (onMove === 'rebind') {
    deps.logger.warn(
      { code: 'FINGERPRINT_CHANGED', deploymentId: identity.deploymentId, ...details },
      'The storage dir came from another machine: started a new deployment here (policy rebind)',
    )
    return
  }
  if (onMove === 'block') {
    deps.core.refusal = {
      code: 'deployment_mismatch',
      reason:
        'The storage dir belongs to another machine (policy block); remove its deployment.json ' +
        'to start a new deployment here',
    }
  }
  deps.sync?.reportViolation({
    kind: 'fingerprint_changed',
    severity: onMove === 'block' ? 'high' : 'medium',
    details,
  })
}
