import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { MachineFileRefusedError, writeActivationRequest } from '@tollgate/license-client'
import { openSite, siteFiles } from './site.js'

const quiet = { warn: () => undefined, error: () => undefined }

/**
 * The site operator's offline-activation steps (issue 18), as `main.ts request|activate|deactivate
 * <file>`: write the activation request to carry to the vendor, install the machine file the
 * vendor sent back, or give the seat up with a deactivation proof. Returns the exit code.
 *
 * @example
 * ```ts
 * process.exit(await offlineStep('/opt/acme/site', 'request', '/media/usb/request.json'))
 * ```
 */
export async function offlineStep(
  dir: string,
  step: 'request' | 'activate' | 'deactivate',
  file: string,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<number> {
  const files = siteFiles(dir)
  const path = resolve(file)
  if (step === 'request') {
    const token = (await readFile(files.licenseKey, 'utf8')).trim()
    const req = await writeActivationRequest({
      token,
      storageDir: files.storageDir,
      out: path,
      appVersion: '1.0.0',
      logger: quiet,
    })
    out(`wrote the activation request for ${req.licenseId} to ${path}`)
    return 0
  }
  const license = await openSite(dir, { requireActivation: true, logger: quiet })
  try {
    if (step === 'activate') {
      await license.activateOffline({ machineFile: await readFile(path, 'utf8') })
      out(`license: ${license.state.code} (${license.state.reason})`)
    } else {
      await license.deactivateOffline(path)
      out(`wrote the deactivation proof to ${path}; license: ${license.state.code}`)
    }
    return 0
  } catch (err) {
    if (!(err instanceof MachineFileRefusedError)) throw err
    out(`refused (${err.reason}): ${err.message}`)
    return 1
  } finally {
    await license.close()
  }
}
