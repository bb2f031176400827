import { ConfigInvalidError } from '../errors.js'
import { loadDeploymentIdentity } from '../client/deployment-identity.js'
import { consoleLogger } from '../client/load-config.js'
import { machineFingerprint, type MachineFingerprint } from '../client/machine-fingerprint.js'
import { ClientStore } from '../client/storage.js'
import type { Logger } from '../client/types.js'
import { writeFileAtomic } from '../lib/atomic-file.js'
import { decodeLicense } from '../token/decode-license.js'
import { createActivationRequest } from './activation-request.js'
import { loadDeploymentKey } from './deployment-key.js'
import type { ActivationRequest } from './offline-formats.js'

/** Options of {@link writeActivationRequest}. */
export interface WriteActivationRequestOptions {
  /** The license key (only its license id is read). */
  token: string
  /** The client's storage dir: the same deployment id and key as `createLicenseClient` uses. */
  storageDir: string
  /** Where to write the request (0600). */
  out: string
  appVersion?: string
  /** As in `createLicenseClient`; default the built-in fingerprint. */
  machineFingerprint?: () => Promise<MachineFingerprint>
  logger?: Logger
}

/**
 * Writes an activation request without starting a client (an installer, or a CLI step on the
 * air-gapped machine): the same deployment id, fingerprint and deployment key that
 * `createLicenseClient` with this `storageDir` uses, so its machine file fits that client.
 *
 * @example
 * ```ts
 * await writeActivationRequest({ token, storageDir: '/var/lib/acme/tollgate', out: 'req.json' })
 * ```
 */
export async function writeActivationRequest(
  opts: WriteActivationRequestOptions,
): Promise<ActivationRequest> {
  if (typeof opts.out !== 'string' || opts.out === '') {
    throw new ConfigInvalidError('out must be a file path')
  }
  if (typeof opts.storageDir !== 'string' || opts.storageDir === '') {
    throw new ConfigInvalidError('storageDir must be a directory path')
  }
  const { claims } = decodeLicense(opts.token)
  const logger = opts.logger ?? consoleLogger
  const store = new ClientStore(opts.storageDir, logger)
  await store.ensureDir()
  let memo: Promise<MachineFingerprint> | undefined
  const fingerprint = (): Promise<MachineFingerprint> =>
    (memo ??= (opts.machineFingerprint ?? machineFingerprint)())
  const identity = await loadDeploymentIdentity(store, undefined, fingerprint, logger)
  const key = (await loadDeploymentKey(opts.storageDir, true))!
  const request = createActivationRequest({
    licenseId: claims.lid,
    deploymentId: identity.deploymentId,
    fingerprint: await fingerprint(),
    appVersion: opts.appVersion ?? null,
    deploymentKey: key.publicKey,
  })
  await writeFileAtomic(opts.out, `${JSON.stringify(request, null, 2)}\n`)
  return request
}
