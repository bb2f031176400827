import { stat } from 'node:fs/promises'
import { ConfigInvalidError } from '../errors.js'
import type { Jwks } from '../keys/types.js'
import { readFileIfExists } from '../lib/atomic-file.js'
import { Transport } from './transport.js'
import type { LicenseClientOptions, Logger } from './types.js'

/** Environment variable read for the license key when no `token`/`tokenFile` is given. */
export const DEFAULT_TOKEN_ENV = 'TOLLGATE_LICENSE_KEY'

/** Rejects options that cannot work; these are programming errors, reported at start-up. */
export function validateOptions(opts: LicenseClientOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new ConfigInvalidError('Options required')
  if (typeof opts.storageDir !== 'string' || opts.storageDir.length === 0) {
    throw new ConfigInvalidError('storageDir must be a directory path')
  }
  if (opts.publicKeys === undefined && opts.jwksUrl === undefined) {
    throw new ConfigInvalidError('Give publicKeys (recommended) or jwksUrl')
  }
  for (const [name, url] of [
    ['serverUrl', opts.serverUrl],
    ['jwksUrl', opts.jwksUrl],
    ['relayUrl', opts.relayUrl],
  ] as const) {
    if (url === undefined) continue
    if (!/^https?:\/\/[^\s]+$/i.test(url))
      throw new ConfigInvalidError(`${name} must be an http(s) URL`)
  }
  for (const [name, n] of [
    ['clockToleranceS', opts.clockToleranceS],
    ['requestTimeoutMs', opts.requestTimeoutMs],
    ['checkIntervalMs', opts.checkIntervalMs],
  ] as const) {
    if (n !== undefined && !(Number.isFinite(n) && n > 0)) {
      throw new ConfigInvalidError(`${name} must be a positive number`)
    }
  }
  if (opts.deploymentId !== undefined && !/^[\w.:-]{1,128}$/.test(opts.deploymentId)) {
    throw new ConfigInvalidError('deploymentId must be 1-128 of A-Z a-z 0-9 _ . : -')
  }
}

/** Where the key came from, for change detection of `tokenFile`. */
export interface TokenSource {
  token: string | undefined
  /** Reason when there is no token (never contains the key). */
  missing?: string
  mtimeMs?: number
}

/** Resolves the license key: `token`, else `tokenFile`, else the environment variable. */
export async function readToken(opts: LicenseClientOptions): Promise<TokenSource> {
  if (opts.token !== undefined)
    return { token: opts.token.trim() || undefined, missing: 'Empty license key' }
  if (opts.tokenFile !== undefined) {
    try {
      const [text, info] = await Promise.all([
        readFileIfExists(opts.tokenFile, 64 * 1024),
        stat(opts.tokenFile).catch(() => undefined),
      ])
      const token = text?.trim() || undefined
      return {
        token,
        ...(info ? { mtimeMs: info.mtimeMs } : {}),
        ...(token ? {} : { missing: `License key file ${opts.tokenFile} is missing or empty` }),
      }
    } catch {
      return { token: undefined, missing: `License key file ${opts.tokenFile} is not readable` }
    }
  }
  const name = opts.tokenEnv ?? DEFAULT_TOKEN_ENV
  const token = process.env[name]?.trim() || undefined
  return token
    ? { token }
    : { token: undefined, missing: `No license key: set ${name}, token or tokenFile` }
}

/** The mtime of a file, or undefined when it does not exist. */
export async function mtimeOf(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.mtimeMs
}

/** Fetches a JWKS document over HTTP(S). */
export async function fetchJwks(url: string, timeoutMs: number): Promise<Jwks> {
  const transport = new Transport(url, timeoutMs)
  try {
    return (await transport.get('')) as Jwks
  } finally {
    await transport.close()
  }
}

/** The default logger: warnings and errors to the console, nothing else. */
export const consoleLogger: Logger = {
  warn: (data, message) => console.warn(`[tollgate] ${message}`, data),
  error: (data, message) => console.error(`[tollgate] ${message}`, data),
}
