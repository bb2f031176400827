import type { LicensePolicy } from '@tollgate/license-client'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { LicenseStatus } from '../licenses/license.table.js'
import type { DeploymentStatus } from './deployment.table.js'

/** What a heartbeat needs to know, read fresh from the database. */
export interface FleetState {
  licenseId: string
  tenantId: string
  status: LicenseStatus
  expiresAt: Date | null
  /** The grace periods of the license's policy. */
  policy: Pick<LicensePolicy, 'offlineGraceDays' | 'expiryGraceDays' | 'heartbeatIntervalS'>
  /** Node lock: the only install id the license may run on. */
  lockedTo: string | null
  deployment: { id: string; status: DeploymentStatus } | null
}

interface Waiter {
  licenseId: string
  installId: string
  resolve: (state: FleetState | undefined) => void
  reject: (err: unknown) => void
}

interface StateRow {
  license_id: string
  install_id: string
  tenant_id: string
  status: LicenseStatus
  /** Numbers rather than timestamptz / jsonb: nothing to parse on the hot path. */
  expires_ms: number | string | null
  offline_grace_days: number | string
  expiry_grace_days: number | string
  heartbeat_interval_s: number | string | null
  locked_to: string | null
  dep_id: string | null
  dep_status: DeploymentStatus | null
}

/**
 * Reads license status and deployment state for heartbeats, batching requests into one
 * `unnest` join. The read is never cached: a revocation committed before a heartbeat arrives
 * is what that heartbeat answers. Batching adapts to load like a group commit: a batch goes out
 * at the end of the event-loop turn when fewer than `maxInFlight` (default 2) queries are running,
 * else when one returns, so an idle server adds no delay and a busy one sends few, large queries.
 *
 * @example
 * ```ts
 * const loader = new FleetStateLoader(db)
 * const state = await loader.load('lic_1', 'install-7f3a')
 * state?.status // 'active' | 'suspended' | 'revoked' | 'expired'
 * ```
 */
export class FleetStateLoader {
  readonly #db: Db
  readonly #maxBatch: number
  readonly #maxInFlight: number
  #queue: Waiter[] = []
  #scheduled = false
  #inFlight = 0
  /** Queries issued (metrics and the bench: heartbeats per query). */
  queries = 0
  /** Total time spent in those queries, ms. */
  queryMs = 0

  constructor(db: Db, options: { maxBatch?: number; maxInFlight?: number } = {}) {
    this.#db = db
    this.#maxBatch = options.maxBatch ?? 1000
    this.#maxInFlight = options.maxInFlight ?? 2
  }

  /** The state of one (license, install id); undefined when the license does not exist. */
  load(licenseId: string, installId: string): Promise<FleetState | undefined> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ licenseId, installId, resolve, reject })
      if (this.#queue.length >= this.#maxBatch) this.#dispatch()
      else this.#schedule()
    })
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight) return
    this.#scheduled = true
    // setImmediate runs after the poll phase: every request parsed in this turn joins.
    setImmediate(() => {
      this.#scheduled = false
      this.#dispatch()
    })
  }

  #dispatch(): void {
    const batch = this.#queue.splice(0, this.#maxBatch)
    if (batch.length === 0) return
    this.#inFlight += 1
    void this.#run(batch).finally(() => {
      this.#inFlight -= 1
      if (this.#queue.length > 0) this.#schedule()
    })
  }

  async #run(batch: Waiter[]): Promise<void> {
    const keys = new Map<string, { licenseId: string; installId: string }>()
    for (const w of batch) keys.set(`${w.licenseId}\u0000${w.installId}`, w)
    const lids = [...keys.values()].map((k) => k.licenseId)
    const iids = [...keys.values()].map((k) => k.installId)
    const started = performance.now()
    try {
      this.queries += 1
      const { rows } = await sql<StateRow>`
        select k.license_id, k.install_id, l.tenant_id, l.status,
               (extract(epoch from l.expires_at) * 1000)::float8 as expires_ms,
               (l.policy->>'offlineGraceDays')::float8 as offline_grace_days,
               (l.policy->>'expiryGraceDays')::float8 as expiry_grace_days,
               (l.policy->>'heartbeatIntervalS')::float8 as heartbeat_interval_s,
               l.deployment_id as locked_to, d.id as dep_id, d.status as dep_status
        from unnest(${lids}::text[], ${iids}::text[]) as k(license_id, install_id)
        join licenses l on l.id = k.license_id
        left join deployments d on d.license_id = k.license_id and d.install_id = k.install_id
      `.execute(this.#db)
      const found = new Map<string, FleetState>()
      for (const r of rows) found.set(`${r.license_id}\u0000${r.install_id}`, toState(r))
      for (const w of batch) w.resolve(found.get(`${w.licenseId}\u0000${w.installId}`))
    } catch (err) {
      for (const w of batch) w.reject(err)
    } finally {
      this.queryMs += performance.now() - started
    }
  }
}

function toState(r: StateRow): FleetState {
  return {
    licenseId: r.license_id,
    tenantId: r.tenant_id,
    status: r.status,
    expiresAt: r.expires_ms === null ? null : new Date(Number(r.expires_ms)),
    policy: {
      offlineGraceDays: Number(r.offline_grace_days),
      expiryGraceDays: Number(r.expiry_grace_days),
      heartbeatIntervalS: r.heartbeat_interval_s === null ? 3600 : Number(r.heartbeat_interval_s),
    },
    lockedTo: r.locked_to,
    deployment: r.dep_id === null ? null : { id: r.dep_id, status: r.dep_status! },
  }
}
