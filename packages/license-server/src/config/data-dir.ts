import { isAbsolute, resolve } from 'node:path'

/**
 * Resolves `DATA_DIR` against the directory the user ran the command in. Under npm or pnpm the
 * server process runs in its package folder (`pnpm --filter … start`), so a relative path
 * would land in `packages/license-server/`; the package manager records the user's directory
 * in `INIT_CWD`, which is what `./.tollgate` in the README means. `memory://` (tests) and
 * absolute paths are kept as they are.
 *
 * @example
 * ```ts
 * resolveDataDir('./.tollgate', { INIT_CWD: '/home/me/tollgate' }) // '/home/me/tollgate/.tollgate'
 * resolveDataDir('/var/lib/tollgate', {}) // '/var/lib/tollgate'
 * ```
 */
export function resolveDataDir(dataDir: string, env: Record<string, string | undefined>): string {
  if (dataDir.startsWith('memory://') || isAbsolute(dataDir)) return dataDir
  const base = env.INIT_CWD !== undefined && env.INIT_CWD !== '' ? env.INIT_CWD : process.cwd()
  return resolve(base, dataDir)
}
