import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Writes the first start's owner admin key to `<dataDir>/owner-key.txt`, mode 0600, and returns
 * the path. The key then never passes through stdout, which a service manager or container
 * runtime turns into a log kept for months. The operator reads it once and deletes the file.
 *
 * @example
 * ```ts
 * const path = writeOwnerKeyFile(config.dataDir, { ownerKey, tenantId })
 * ```
 */
export function writeOwnerKeyFile(
  dataDir: string,
  owner: { ownerKey: string; tenantId: string },
): string {
  return writeSecretNote(dataDir, 'owner-key.txt', [
    '# Tollgate owner admin API key (scope *). Store it in a password manager, then delete this file.',
    `tenant=${owner.tenantId}`,
    `key=${owner.ownerKey}`,
  ])
}

/**
 * Writes a secret meant for the operator's eyes only (owner key, console setup link) to
 * `<dataDir>/<fileName>`, mode 0600 in a 0700 directory, instead of stdout; returns the path.
 *
 * @example
 * ```ts
 * const path = writeSecretNote(config.dataDir, 'console-setup.txt', [link])
 * ```
 */
export function writeSecretNote(dataDir: string, fileName: string, lines: string[]): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, fileName)
  writeFileSync(path, [...lines, ''].join('\n'), { mode: 0o600 })
  return path
}
