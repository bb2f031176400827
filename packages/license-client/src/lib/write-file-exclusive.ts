import { open } from 'node:fs/promises'

/**
 * Creates `path` (0600) with `text` only if it does not exist yet, fsynced before close. When
 * another process created it first (EEXIST) the existing file is kept: callers then read that
 * one, so two starts never end up with two different keys. Other errors are rethrown.
 *
 * @example
 * ```ts
 * await writeFileExclusive('/var/lib/acme/offline-key.json', JSON.stringify(jwk))
 * const text = await readFileIfExists('/var/lib/acme/offline-key.json', 4096)
 * ```
 */
export async function writeFileExclusive(path: string, text: string): Promise<void> {
  try {
    const handle = await open(path, 'wx', 0o600)
    try {
      await handle.writeFile(text)
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch (err) {
    // Another process created it first: use that one.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}
