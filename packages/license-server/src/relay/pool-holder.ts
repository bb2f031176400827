import { readFile, stat } from 'node:fs/promises'
import {
  LicenseError,
  poolFileHash,
  verifyPoolFile,
  type KeySet,
  type PoolClaims,
  type RelayIdentity,
} from '@tollgate/license-client'

/** The pool file a relay works under: its text, claims and hash (what leases name). */
export interface HeldPool {
  jws: string
  claims: PoolClaims
  hash: string
}

/** What {@link PoolHolder} needs. */
export interface PoolHolderOptions {
  path: string
  vendorKeys: KeySet
  identity: RelayIdentity
  /** This machine's hashed fingerprint: a pool naming another machine is refused. */
  machineId: string
  /** Re-read the file at most this often, ms (a stat per period, a read only on change). */
  checkEveryMs: number
  now: () => number
  log: { info(o: object, m: string): void; warn(o: object, m: string): void }
}

/** Refusal of a pool file by the relay (wrong vendor key, relay, machine or license). */
export class PoolRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PoolRefusedError'
  }
}

/**
 * Holds the relay's pool file and picks up a renewed one dropped in its place, with no restart:
 * the file is stat'ed at most every `checkEveryMs` (on use) and read again only when it changed.
 * A replacement must verify against the vendor keys, name this relay's key, this machine and the
 * same license, and be issued no earlier than the pool held (no rollback to an older file);
 * otherwise the held pool stays and the refusal is logged once per file version.
 *
 * @example
 * ```ts
 * const pools = new PoolHolder(opts)
 * await pools.load()            // throws PoolRefusedError at start
 * const pool = await pools.current()
 * ```
 */
export class PoolHolder {
  readonly #o: PoolHolderOptions
  #held: HeldPool | undefined
  #version = ''
  #checkedAt = 0

  constructor(opts: PoolHolderOptions) {
    this.#o = opts
  }

  /** Reads and accepts the pool file; PoolRefusedError when it does not hold. */
  async load(): Promise<HeldPool> {
    this.#version = await this.#versionOf()
    this.#held = this.#accept(await readFile(this.#o.path, 'utf8'), undefined)
    this.#checkedAt = this.#o.now()
    return this.#held
  }

  /** The pool in force, after picking up a changed file (at most once per period). */
  async current(): Promise<HeldPool> {
    if (this.#held === undefined) return this.load()
    if (this.#o.now() - this.#checkedAt >= this.#o.checkEveryMs) {
      this.#checkedAt = this.#o.now()
      await this.#refresh(this.#held)
    }
    return this.#held
  }

  async #refresh(held: HeldPool): Promise<void> {
    let version: string
    try {
      version = await this.#versionOf()
    } catch {
      return // a file being replaced (rename) or briefly gone: keep the held pool
    }
    if (version === this.#version) return
    this.#version = version
    try {
      const next = this.#accept(await readFile(this.#o.path, 'utf8'), held)
      if (next.hash === held.hash) return
      this.#held = next
      this.#o.log.info(
        { pool: next.claims.jti, seats: next.claims.seats, exp: new Date(next.claims.exp * 1000) },
        'relay: picked up a renewed pool file',
      )
    } catch (err) {
      this.#o.log.warn(
        { path: this.#o.path, reason: (err as Error).message },
        'relay: the new pool file was refused; keeping the one in force',
      )
    }
  }

  async #versionOf(): Promise<string> {
    const s = await stat(this.#o.path)
    return `${s.ino}:${s.size}:${s.mtimeMs}`
  }

  #accept(text: string, held: HeldPool | undefined): HeldPool {
    const jws = text.trim()
    let claims: PoolClaims
    try {
      claims = verifyPoolFile(jws, this.#o.vendorKeys)
    } catch (err) {
      throw new PoolRefusedError(err instanceof LicenseError ? err.message : 'unreadable pool file')
    }
    const me = this.#o.identity.publicKey
    if (claims.rk.kid !== me.kid || claims.rk.x !== me.x) {
      throw new PoolRefusedError(
        `The pool file is for another relay key (${claims.rk.kid}; this relay is ${me.kid})`,
      )
    }
    if (claims.fpr !== '' && this.#o.machineId !== '' && claims.fpr !== this.#o.machineId) {
      throw new PoolRefusedError('The pool file was issued for another machine')
    }
    if (held !== undefined && claims.lid !== held.claims.lid) {
      throw new PoolRefusedError('The new pool file is for another license')
    }
    if (held !== undefined && claims.iat < held.claims.iat) {
      throw new PoolRefusedError('The new pool file is older than the one in force')
    }
    return { jws, claims, hash: poolFileHash(jws) }
  }
}
