import { signRevocationDelta, signRevocationList, type SigningKey } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import { SingleFlight } from '../lib/single-flight.js'
import { listRevocations, revocationChangesSince } from './revocation.repository.js'
import { RevocationVersions } from './revocation-versions.js'

/** A signed full list, as cached per tenant. */
export interface SignedRevocationList {
  version: number
  jws: string
  revoked: readonly string[]
  suspended: readonly string[]
  issuedAt: Date
  nextUpdate: Date
  /** Strong validator of the answer: changes with the version, the issue time and the key. */
  etag: string
}

/** A signed delta, or the full list when a delta would not be smaller. */
export type RevocationAnswer =
  | { kind: 'delta'; version: number; jws: string; etag: string }
  | { kind: 'list'; list: SignedRevocationList }

interface Entry {
  version: number
  revoked: Set<string>
  suspended: Set<string>
  signed: SignedRevocationList
  kid: string
}

/** Tenants whose lists are kept in memory (least recently used beyond that are dropped). */
const MAX_TENANTS = 256
/** More changes than this since a client's version: it gets the whole list instead. */
const MAX_DELTA = 10_000
/** More changes than this since the cached version: reload the list rather than replay them. */
const MAX_REPLAY = 50_000

/**
 * The signed revocation list of each tenant, built once and then kept current: the list
 * version comes from {@link RevocationVersions} (memory, re-read at most once per
 * `maxStaleMs`, at once after a change on this instance), so a conditional request answers
 * 304 without touching the database; the list is re-signed only when that version
 * moved (replaying just the changes since the cached one), when the signing key changed, or
 * when half of its `nextUpdate` window has passed. Clients holding version `n` fetch a signed
 * delta of the changes since `n` instead of the whole list.
 *
 * @example
 * ```ts
 * const cache = new RevocationListCache(db)
 * const list = await cache.list(tenantId, key, { now: new Date(), ttlS: 3600 })
 * const answer = await cache.since(tenantId, 41, key, { now: new Date(), ttlS: 3600 })
 * ```
 */
export class RevocationListCache {
  readonly #db: Db
  readonly #entries = new Map<string, Entry>()
  readonly #builds = new SingleFlight<string, Entry>()
  /** Full builds and delta replays (metrics and tests). */
  readonly stats = { builds: 0, replays: 0, signs: 0 }
  /** Each tenant's list version, read from the database at most once per `maxStaleMs`. */
  readonly versions: RevocationVersions

  constructor(db: Db, opts: { maxStaleMs?: number } = {}) {
    this.#db = db
    this.versions = new RevocationVersions(db, opts)
  }

  /** The tenant's list version (`undefined`: no such tenant), from memory when recent. */
  version(tenantId: string): Promise<number | undefined> {
    return this.versions.get(tenantId)
  }

  /** The tenant's current signed list. */
  async list(
    tenantId: string,
    key: SigningKey,
    opts: { now: Date; ttlS: number },
  ): Promise<SignedRevocationList> {
    const version = (await this.versions.get(tenantId)) ?? 0
    return (await this.#current(tenantId, version, key, opts)).signed
  }

  /** What a client holding version `since` needs: a delta, or the list when that is cheaper. */
  async since(
    tenantId: string,
    since: number,
    key: SigningKey,
    opts: { now: Date; ttlS: number },
  ): Promise<RevocationAnswer> {
    const version = (await this.versions.get(tenantId)) ?? 0
    if (since > version) {
      // A version this database never issued (restored backup, other server): start over.
      return { kind: 'list', list: (await this.#current(tenantId, version, key, opts)).signed }
    }
    const changes =
      since === version
        ? []
        : await revocationChangesSince(this.#db, tenantId, since, MAX_DELTA + 1)
    if (changes.length > MAX_DELTA) {
      return { kind: 'list', list: (await this.#current(tenantId, version, key, opts)).signed }
    }
    // Never past the version read above: a change committed meanwhile waits for the next ask.
    const latest = new Map<string, string>()
    for (const c of changes) if (c.seq <= version) latest.set(c.licenseId, c.status)
    const revoked: string[] = []
    const suspended: string[] = []
    const cleared: string[] = []
    for (const [id, status] of latest) {
      if (status === 'revoked') revoked.push(id)
      else if (status === 'suspended') suspended.push(id)
      else cleared.push(id)
    }
    const { issuedAt, nextUpdate } = times(opts)
    this.stats.signs += 1
    const jws = signRevocationDelta(
      { issuer: tenantId, since, version, revoked, suspended, cleared, issuedAt, nextUpdate },
      key,
    )
    return { kind: 'delta', version, jws, etag: `"rd-${since}-${version}-${key.kid}"` }
  }

  /** The ETag a delta answer from `since` would carry now (a conditional request's check). */
  async deltaEtag(tenantId: string, since: number, key: SigningKey): Promise<string> {
    const version = (await this.versions.get(tenantId)) ?? 0
    return since > version ? '' : `"rd-${since}-${version}-${key.kid}"`
  }

  async #current(
    tenantId: string,
    version: number,
    key: SigningKey,
    opts: { now: Date; ttlS: number },
  ): Promise<Entry> {
    const hit = this.#entries.get(tenantId)
    if (hit && fresh(hit, version, key, opts)) {
      // Least recently used order: re-insert at the end.
      this.#entries.delete(tenantId)
      this.#entries.set(tenantId, hit)
      return hit
    }
    return this.#builds.run(tenantId, async () => {
      const entry = await this.#build(tenantId, version, key, opts)
      this.#entries.delete(tenantId)
      this.#entries.set(tenantId, entry)
      while (this.#entries.size > MAX_TENANTS) {
        const oldest = this.#entries.keys().next().value
        if (oldest === undefined) break
        this.#entries.delete(oldest)
      }
      return entry
    })
  }

  async #build(
    tenantId: string,
    version: number,
    key: SigningKey,
    opts: { now: Date; ttlS: number },
  ): Promise<Entry> {
    const hit = this.#entries.get(tenantId)
    let revoked: Set<string>
    let suspended: Set<string>
    if (hit && hit.version === version) {
      ;({ revoked, suspended } = hit)
    } else if (hit && hit.version < version && version - hit.version <= MAX_REPLAY) {
      this.stats.replays += 1
      revoked = new Set(hit.revoked)
      suspended = new Set(hit.suspended)
      const changes = await revocationChangesSince(this.#db, tenantId, hit.version, MAX_REPLAY)
      for (const c of changes) {
        if (c.seq > version) break
        revoked.delete(c.licenseId)
        suspended.delete(c.licenseId)
        if (c.status === 'revoked') revoked.add(c.licenseId)
        else if (c.status === 'suspended') suspended.add(c.licenseId)
      }
    } else {
      this.stats.builds += 1
      // The version was read before the list: the list holds at least what that version says
      // (changes committed meanwhile are replayed again, harmlessly, on the next build).
      const now = await listRevocations(this.#db, tenantId)
      revoked = new Set(now.revoked)
      suspended = new Set(now.suspended)
    }
    const sortedRevoked = [...revoked].sort()
    const sortedSuspended = [...suspended].sort()
    const { issuedAt, nextUpdate } = times(opts)
    this.stats.signs += 1
    const jws = signRevocationList(
      {
        issuer: tenantId,
        revoked: sortedRevoked,
        suspended: sortedSuspended,
        issuedAt,
        nextUpdate,
        version,
      },
      key,
    )
    return {
      version,
      revoked,
      suspended,
      kid: key.kid,
      signed: {
        version,
        jws,
        revoked: sortedRevoked,
        suspended: sortedSuspended,
        issuedAt,
        nextUpdate,
        etag: `"rl-${version}-${Math.floor(issuedAt.getTime() / 1000)}-${key.kid}"`,
      },
    }
  }
}

function fresh(e: Entry, version: number, key: SigningKey, o: { now: Date; ttlS: number }) {
  const halfLife = (o.ttlS * 1000) / 2
  return (
    e.version === version &&
    e.kid === key.kid &&
    o.now.getTime() - e.signed.issuedAt.getTime() < halfLife &&
    o.now.getTime() >= e.signed.issuedAt.getTime()
  )
}

function times(opts: { now: Date; ttlS: number }): { issuedAt: Date; nextUpdate: Date } {
  // Whole seconds: the signed claims are NumericDates, and the answer must say what they say.
  const issuedAt = new Date(Math.floor(opts.now.getTime() / 1000) * 1000)
  return { issuedAt, nextUpdate: new Date(issuedAt.getTime() + opts.ttlS * 1000) }
}
