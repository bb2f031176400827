import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, realpathSync } from 'node:fs'
import { dirname } from 'node:path'

/** Whether bubblewrap can be used here, and if not, why. */
export interface BwrapStatus {
  readonly available: boolean
  readonly path?: string
  readonly reason?: string
}

let cached: BwrapStatus | undefined

/**
 * Detect a working bubblewrap: installed, and able to create the namespaces it needs (it
 * can be installed yet unusable inside containers without user namespaces). Cached.
 *
 * @example
 * ```ts
 * const { available, reason } = detectBwrap()
 * if (!available) console.log(`sandboxing without bwrap: ${reason}`)
 * ```
 */
export function detectBwrap(): BwrapStatus {
  if (cached) return cached
  const path = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'].find((p) => existsSync(p))
  if (!path)
    return (cached = {
      available: false,
      reason: 'bwrap is not installed (apt-get install -y bubblewrap)',
    })
  const probe = spawnSync(
    path,
    ['--unshare-all', '--die-with-parent', ...systemBinds(), '--', '/bin/true'],
    {
      encoding: 'utf8',
      timeout: 5_000,
    },
  )
  if (probe.status === 0) return (cached = { available: true, path })
  const why = (probe.stderr || probe.error?.message || `exit ${String(probe.status)}`).trim()
  return (cached = {
    available: false,
    path,
    reason: `bwrap cannot create its sandbox here: ${why}`,
  })
}

/** Read-only binds for the system directories the node binary needs (libc, ld.so, ICU). */
export function systemBinds(): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr']
  for (const dir of ['/lib', '/lib64', '/lib32', '/bin', '/sbin']) {
    if (!existsSync(dir)) continue
    const st = lstatSync(dir)
    if (st.isSymbolicLink()) args.push('--symlink', realpathSync(dir).replace(/^\//, ''), dir)
    else args.push('--ro-bind', dir, dir)
  }
  const nodeDir = dirname(realpathSync(process.execPath))
  if (!nodeDir.startsWith('/usr/') && !nodeDir.startsWith('/bin'))
    args.push('--ro-bind', dirname(nodeDir), dirname(nodeDir))
  return args
}
