import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../config/load-config.js'

/** Result of {@link resolveMasterKey}. */
export interface MasterKey {
  key: Buffer
  /** Where it came from, for the start-up log (never the key itself). */
  source: 'env' | 'file' | 'generated' | 'ephemeral'
  path?: string
}

/** Decodes a 64-hex-char or base64 32-byte key. */
export function decodeMasterKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  if (key.length !== 32) throw new ConfigError('MASTER_KEY', 'must decode to exactly 32 bytes')
  return key
}

/**
 * The key that encrypts signing keys at rest: MASTER_KEY when set; else, on PGlite, the key file
 * `<DATA_DIR>/master.key` (created with mode 0600 on first start). Postgres without MASTER_KEY
 * is a configuration error: the key must not live next to a shared database.
 *
 * @example
 * ```ts
 * const { key, source } = resolveMasterKey({ masterKey: process.env.MASTER_KEY, dataDir: './.tollgate', postgres: false })
 * ```
 */
export function resolveMasterKey(opts: {
  masterKey: string | undefined
  dataDir: string
  postgres: boolean
}): MasterKey {
  if (opts.masterKey) return { key: decodeMasterKey(opts.masterKey), source: 'env' }
  if (opts.postgres) {
    throw new ConfigError(
      'MASTER_KEY',
      'is required with DATABASE_URL (32 bytes as 64 hex chars, e.g. `openssl rand -hex 32`)',
    )
  }
  if (opts.dataDir === 'memory://') return { key: randomBytes(32), source: 'ephemeral' }
  const path = join(opts.dataDir, 'master.key')
  if (existsSync(path)) {
    return { key: decodeMasterKey(readFileSync(path, 'utf8').trim()), source: 'file', path }
  }
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 })
  const key = randomBytes(32)
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' })
  return { key, source: 'generated', path }
}
