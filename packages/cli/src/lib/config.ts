import { stat, readFile } from 'node:fs/promises'
import { CliError } from '../errors.js'
import type { CliContext } from '../context.js'
import { writeFileAtomic } from './atomic-write.js'

/** One named server connection. */
export interface Profile {
  url: string
  apiKey?: string
}

/** The config file: named profiles and the one in use. */
export interface ConfigFile {
  currentProfile?: string
  profiles: Record<string, Profile>
}

/** Reads the config file; a missing file is an empty config. */
export async function readConfig(path: string): Promise<ConfigFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} }
    throw new CliError('CONFIG_INVALID', `Cannot read config file ${path}`, { cause })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new CliError('CONFIG_INVALID', `Config file ${path} is not valid JSON`, {
      cause,
      hint: 'Fix or delete it, then run `tollgate login` again',
    })
  }
  const cfg = parsed as Partial<ConfigFile> | null
  if (typeof cfg !== 'object' || cfg === null || typeof cfg.profiles !== 'object') {
    throw new CliError('CONFIG_INVALID', `Config file ${path} has no "profiles" object`, {
      hint: 'Fix or delete it, then run `tollgate login` again',
    })
  }
  return { ...cfg, profiles: cfg.profiles ?? {} }
}

/**
 * Writes the config file with mode 0600 (it holds API keys), in a 0700 directory, atomically.
 */
export async function writeConfig(path: string, cfg: ConfigFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(cfg, null, 2)}\n`, 0o600, 0o700)
}

/** True when group or others can read the file (like ssh, we warn about it). */
export async function isConfigExposed(path: string): Promise<boolean> {
  try {
    return ((await stat(path)).mode & 0o077) !== 0
  } catch {
    return false
  }
}

/** Where a connection setting came from, for `--json` and error hints. */
export type Source = 'flag' | 'env' | 'profile'

/** The server to talk to and how to authenticate. */
export interface Connection {
  url: string
  apiKey: string | undefined
  profile: string
  urlSource: Source
}

/** The profile name in effect: --profile, then $TOLLGATE_PROFILE, then the current one. */
export function profileName(flag: string | undefined, ctx: CliContext, cfg: ConfigFile): string {
  return flag ?? ctx.env.TOLLGATE_PROFILE ?? cfg.currentProfile ?? 'default'
}

/**
 * Resolves the server URL and API key. Order: `--url` flag, then `TOLLGATE_URL` /
 * `TOLLGATE_API_KEY`, then the profile (`--profile`, `TOLLGATE_PROFILE`, current profile).
 */
export async function resolveConnection(
  flags: { profile?: string | undefined; url?: string | undefined },
  ctx: CliContext,
): Promise<Connection> {
  const cfg = await readConfig(ctx.configPath)
  const name = profileName(flags.profile, ctx, cfg)
  const profile = cfg.profiles[name]
  const explicit = flags.profile !== undefined || ctx.env.TOLLGATE_PROFILE !== undefined
  if (explicit && profile === undefined) {
    const known = Object.keys(cfg.profiles)
    throw new CliError('USAGE', `Unknown profile "${name}"`, {
      hint: known.length
        ? `Known profiles: ${known.join(', ')}`
        : `Run \`tollgate login --profile ${name} --url <server>\``,
    })
  }
  const envUrl = ctx.env.TOLLGATE_URL || undefined
  const url = flags.url ?? envUrl ?? profile?.url
  if (url === undefined) {
    throw new CliError('NOT_LOGGED_IN', 'No server configured', {
      hint: 'Run `tollgate login --url <server>` or set TOLLGATE_URL and TOLLGATE_API_KEY',
    })
  }
  return {
    url: url.replace(/\/+$/, ''),
    apiKey: ctx.env.TOLLGATE_API_KEY || profile?.apiKey,
    profile: name,
    urlSource: flags.url !== undefined ? 'flag' : envUrl !== undefined ? 'env' : 'profile',
  }
}

/** Shows the first characters of a key only: enough to tell keys apart, never the secret. */
export function maskKey(key: string | undefined): string {
  if (!key) return '-'
  return key.length <= 12 ? '****' : `${key.slice(0, 12)}…`
}
