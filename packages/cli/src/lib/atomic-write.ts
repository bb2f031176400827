import { randomBytes } from 'node:crypto'
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { CliError } from '../errors.js'

/**
 * Writes a file atomically: a temp file in the same directory (created with `mode`, so a secret
 * is never readable by others even for an instant), then rename over the target. A reader sees
 * the old file or the new one, never half of one.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  mode = 0o644,
  dirMode = 0o755,
): Promise<void> {
  const dir = dirname(path)
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await mkdir(dir, { recursive: true, mode: dirMode })
    await writeFile(tmp, data, { mode, flag: 'wx' })
    // The umask may have narrowed the mode further; make it exactly `mode`.
    await chmod(tmp, mode)
    await rename(tmp, path)
  } catch (cause) {
    await rm(tmp, { force: true })
    throw new CliError('FILE_ERROR', `Could not write ${path}: ${(cause as Error).message}`, {
      cause,
    })
  }
}
