import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { LruCache, type LruStats } from '../lib/lru-cache.js'
import { SingleFlight } from '../lib/single-flight.js'

/** Tenants whose versions are kept (only tenants that exist are ever cached). */
const MAX_TENANTS = 4096

interface Entry {
  version: number
  /** `Date.now()` when the version was read: it is trusted for `maxStaleMs` after that. */
  at: number
}

/**
 * The revocation-list version of each tenant, read from the database at most once per
 * `maxStaleMs` (default 1000 ms) so a conditional `GET /v1/revocations` answers 304 from
 * memory. A change made on this instance calls {@link RevocationVersions.invalidate} and the
 * next request reads the database again (and so does every request for one more window, so a
 * read racing the change's commit cannot keep the old version); a change made on another
 * instance is seen within `maxStaleMs`. Unknown tenants are never cached (`undefined`).
 *
 * @example
 * ```ts
 * const versions = new RevocationVersions(db, { maxStaleMs: 1000 })
 * const v = await versions.get(tenantId) // undefined: no such tenant
 * versions.invalidate(tenantId) // after a revoke / suspend / reinstate here
 * ```
 */
export class RevocationVersions {
  readonly #db: Db
  readonly #maxStaleMs: number
  readonly #entries = new LruCache<string, Entry>('revocation_versions', MAX_TENANTS)
  /** Tenants changed here recently: read from the database until the time stored. */
  readonly #dirty = new Map<string, number>()
  readonly #reads = new SingleFlight<string, number | undefined>()
  /** Database reads (tests and the bench count them). */
  reads = 0

  constructor(db: Db, opts: { maxStaleMs?: number } = {}) {
    this.#db = db
    this.#maxStaleMs = opts.maxStaleMs ?? 1000
  }

  /** The tenant's current version, or `undefined` when the tenant does not exist. */
  async get(tenantId: string): Promise<number | undefined> {
    const now = Date.now()
    const dirtyUntil = this.#dirty.get(tenantId)
    if (dirtyUntil !== undefined && now >= dirtyUntil) this.#dirty.delete(tenantId)
    if (dirtyUntil === undefined || now >= dirtyUntil) {
      const hit = this.#entries.get(tenantId)
      if (hit && now - hit.at < this.#maxStaleMs) return hit.version
    }
    const cache = dirtyUntil === undefined || now >= dirtyUntil
    return this.#reads.run(tenantId, () => this.#read(tenantId, cache))
  }

  /** Forgets the tenant's version after a change of a license's status on this instance. */
  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId)
    this.#reads.forget(tenantId)
    if (this.#maxStaleMs <= 0) return
    this.#dirty.delete(tenantId)
    this.#dirty.set(tenantId, Date.now() + this.#maxStaleMs)
    if (this.#dirty.size > MAX_TENANTS) {
      const oldest = this.#dirty.keys().next().value
      if (oldest !== undefined) this.#dirty.delete(oldest)
    }
  }

  /** Size, hits and misses of the cache (metrics). */
  cacheStats(): LruStats {
    return this.#entries.stats()
  }

  /** Reads the version; `cache` false while the tenant is dirty (a read may race its commit). */
  async #read(tenantId: string, cache: boolean): Promise<number | undefined> {
    this.reads += 1
    const at = Date.now()
    // One statement: the tenant's existence and its newest change (an index probe each).
    const row = await this.#db
      .selectFrom('tenants')
      .select(
        sql<
          string | null
        >`(select max(seq) from revocation_changes where tenant_id = tenants.id)`.as('v'),
      )
      .where('id', '=', tenantId)
      .executeTakeFirst()
    if (!row) return undefined
    const version = Number(row.v ?? 0)
    if (cache && this.#maxStaleMs > 0) this.#entries.set(tenantId, { version, at })
    return version
  }
}
