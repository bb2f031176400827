import { chmodSync, existsSync, lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../config/load-config.js'

/**
 * Locks down the data directory at start: the directory and every directory under it 0700,
 * every file 0600 (PGlite's WAL holds admin-key hashes; `master.key` seals the signing keys).
 * Modes with group or other bits are fixed in place and returned (for a warning); when they
 * cannot be fixed (another owner), start-up stops with a ConfigError naming DATA_DIR. Symlinks
 * are left alone (never followed). A missing directory is fine: it is created 0700 later.
 *
 * @example
 * ```ts
 * const fixed = secureDataDir('./.tollgate') // ['./.tollgate (was 0755)', ...]
 * ```
 */
export function secureDataDir(dataDir: string): string[] {
  if (!existsSync(dataDir)) return []
  const fixed: string[] = []
  const stack = [dataDir]
  while (stack.length > 0) {
    const path = stack.pop()!
    const st = lstatSync(path)
    if (st.isSymbolicLink()) continue
    const dir = st.isDirectory()
    const wanted = dir ? 0o700 : 0o600
    const mode = st.mode & 0o777
    if ((mode & 0o077) !== 0) {
      try {
        chmodSync(path, wanted)
      } catch (err) {
        throw new ConfigError(
          'DATA_DIR',
          `${path} has mode 0${mode.toString(8)} (readable by other users) and cannot be changed (${
            (err as NodeJS.ErrnoException).code ?? 'error'
          }): run chmod -R go-rwx on it, or point DATA_DIR elsewhere`,
        )
      }
      fixed.push(`${path} (was 0${mode.toString(8)})`)
    }
    if (dir) for (const name of readdirSync(path)) stack.push(join(path, name))
  }
  return fixed
}
