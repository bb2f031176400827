import type { Db } from '../db/database.js'
import { sha256Hex } from '../lib/hash.js'
import type { LicenseRow } from '../licenses/license.table.js'
import { claimTrialMachine, findTrialOfLicense } from './trial.repository.js'
import { TrialAlreadyUsedError } from './trial-refused.js'

/**
 * One trial per machine: when a trial license (not yet converted) takes a seat, the machine's
 * fingerprint (the client's hashed machine id; its install id when it reports none) is claimed
 * for that license, and a different trial license on a machine already claimed is refused with
 * TRIAL_ALREADY_USED. Reinstalling the app or wiping its storage changes neither the machine id
 * nor the claim, so a trial cannot be restarted that way. Only a hash is stored.
 *
 * @example
 * ```ts
 * await enforceTrialMachine(trx, license, input.fingerprint?.machineId || input.installId, now)
 * ```
 */
export async function enforceTrialMachine(
  trx: Db,
  license: LicenseRow,
  machine: string,
  now: Date,
): Promise<void> {
  const trial = await findTrialOfLicense(trx, license.id)
  if (!trial || trial.converted_at !== null) return
  const hash = sha256Hex(`${license.tenant_id}\u0000${machine}`)
  const owner = await claimTrialMachine(trx, license.tenant_id, hash, license.id, now)
  if (owner !== license.id) {
    throw new TrialAlreadyUsedError('machine')
  }
}
