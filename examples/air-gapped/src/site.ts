import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  createLicenseClient,
  type Jwks,
  type LicenseClient,
  type Logger,
} from '@tollgate/license-client'

/** The files an air-gapped site holds, all carried in by hand (USB stick, ticket attachment). */
export interface SiteFiles {
  /** The license key, alone in the file. */
  licenseKey: string
  /** The vendor's public keys (JWKS), pinned: nothing is ever fetched. */
  vendorJwks: string
  /** The signed revocation list from `tollgate revocations export`; optional, re-read on change. */
  revocations: string
  /** The client's own state (trusted time, deployment id). */
  storageDir: string
  /** The machine file from `tollgate activation create` (offline activation, issue 18). */
  machineFile: string
}

/**
 * Where a site directory keeps its files: `license.key`, `vendor-jwks.json`,
 * `revocations.jws` and `.tollgate/`.
 *
 * @example
 * ```ts
 * siteFiles('/opt/acme/site').revocations // '/opt/acme/site/revocations.jws'
 * ```
 */
export function siteFiles(dir: string): SiteFiles {
  return {
    licenseKey: join(dir, 'license.key'),
    vendorJwks: join(dir, 'vendor-jwks.json'),
    revocations: join(dir, 'revocations.jws'),
    storageDir: join(dir, '.tollgate'),
    machineFile: join(dir, 'machine.lic'),
  }
}

/**
 * A license client with no server at all: the key is verified against the pinned vendor keys,
 * and the revocation list file (when present) is applied and re-read whenever it changes.
 * Offline grace does not apply here; the key's own expiry (plus grace) and the list decide.
 * With `requireActivation`, the site also needs a machine file naming this machine.
 *
 * @example
 * ```ts
 * const license = await openSite('/opt/acme/site')
 * license.state.code // 'valid' | 'revoked' | ...
 * ```
 */
export async function openSite(
  dir: string,
  opts: {
    checkIntervalMs?: number
    logger?: Logger
    onChange?: (code: string, reason: string) => void
    /** Offline activation: run only with a machine file for this machine (`machine.lic`). */
    requireActivation?: boolean
  } = {},
): Promise<LicenseClient> {
  const files = siteFiles(dir)
  const jwks = JSON.parse(await readFile(files.vendorJwks, 'utf8')) as Jwks
  return createLicenseClient({
    tokenFile: files.licenseKey,
    publicKeys: jwks,
    revocationListFile: files.revocations,
    storageDir: files.storageDir,
    ...(opts.requireActivation === true ? { machineFile: files.machineFile } : {}),
    ...(opts.checkIntervalMs === undefined ? {} : { checkIntervalMs: opts.checkIntervalMs }),
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.onChange ? { onStateChange: (s) => opts.onChange!(s.code, s.reason) } : {}),
  })
}
