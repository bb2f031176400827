// Generates a licensing dataset in Postgres with generate_series (bench/scale.ts).
import type pg from 'pg'

/** Row counts of one dataset. */
export interface ScaleSize {
  customers: number
  licenses: number
  /** Every tenth license is revoked. */
  revokedEvery: number
  deployments: number
  audit: number
  usageBatches: number
  violations: number
  /** Deployments whose deadline has passed (the culler's work per run). */
  due: number
}

/** Presets: `large` is the issue's dataset; `small` for quick runs; `empty` the baseline. */
export const PRESETS: Record<'large' | 'small' | 'empty', ScaleSize> = {
  large: {
    customers: 100_000,
    licenses: 1_000_000,
    revokedEvery: 10,
    deployments: 1_000_000,
    audit: 5_000_000,
    usageBatches: 10_000_000,
    violations: 100_000,
    due: 20,
  },
  small: {
    customers: 5_000,
    licenses: 50_000,
    revokedEvery: 10,
    deployments: 50_000,
    audit: 250_000,
    usageBatches: 500_000,
    violations: 5_000,
    due: 20,
  },
  empty: {
    customers: 50,
    licenses: 500,
    revokedEvery: 10,
    deployments: 500,
    audit: 2_500,
    usageBatches: 5_000,
    violations: 50,
    due: 20,
  },
}

const POLICY = {
  expiryGraceDays: 7,
  offlineGraceDays: 30,
  heartbeatIntervalS: 3600,
  maxDeployments: 3,
}

/** License id of generated row `n` (1-based), as the bench signs keys for them. */
export const licenseId = (n: number): string => `lic_g${String(n).padStart(10, '0')}`

/**
 * Fills the tenant with `size` rows per table, in set-based statements (minutes for the large
 * preset, not hours), then ANALYZEs. Returns nothing: ids follow `licenseId(n)`.
 */
export async function generate(
  db: pg.Client,
  tenant: string,
  keyId: string,
  size: ScaleSize,
  log: (msg: string) => void,
): Promise<void> {
  const step = async (what: string, q: string) => {
    const started = Date.now()
    await db.query(q)
    log(`  ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  }
  const pad = (col: string) => `lpad((${col})::text, 10, '0')`
  const tenantId = db.escapeLiteral(tenant)
  const kid = db.escapeLiteral(keyId)
  const policy = db.escapeLiteral(JSON.stringify(POLICY))
  await step(
    `${size.customers} customers (+10 without licenses)`,
    `insert into customers (id, tenant_id, name, email, metadata, created_at, updated_at)
        select 'cus_g' || ${pad('g')}, ${tenantId}, 'Customer ' || g, 'c' || g || '@example.test',
               '{}', now(), now()
        from generate_series(1, ${size.customers + 10}) g`,
  )
  await step(
    'plan',
    `insert into plans (id, tenant_id, name, product, tier, entitlements, limits, policy,
                           duration_days, created_at, updated_at)
        values ('pln_g1', ${tenantId}, 'Pro', 'app', 'pro', '["sso"]', '{"users": 50}',
                ${policy}::jsonb, 365, now(), now())`,
  )
  await step(
    `${size.licenses} licenses (1 in ${size.revokedEvery} revoked)`,
    `insert into licenses (id, tenant_id, customer_id, plan_id, product, tier, status,
                              entitlements, limits, policy, metadata, kid, issued_at, revoked_at,
                              created_at, updated_at)
        select 'lic_g' || ${pad('g')}, ${tenantId}, 'cus_g' || ${pad(`(g % ${size.customers}) + 1`)},
               'pln_g1', 'app', 'pro',
               case when g % ${size.revokedEvery} = 0 then 'revoked' else 'active' end,
               '["sso"]', '{"users": 50}', ${policy}::jsonb, '{}', ${kid},
               now() - interval '30 days',
               case when g % ${size.revokedEvery} = 0 then now() end, now(), now()
        from generate_series(1, ${size.licenses}) g`,
  )
  await step(
    `${size.deployments} deployments (${size.due} due for the culler)`,
    `insert into deployments (id, tenant_id, license_id, install_id, status, fingerprint,
                                 activated_at, last_seen_at, dead_after, created_at, updated_at)
        select 'dep_g' || ${pad('g')}, ${tenantId}, 'lic_g' || ${pad(`((g - 1) % ${size.licenses}) + 1`)},
               'inst-' || g, 'active', '{}', now() - interval '1 day', s.seen,
               s.seen + interval '3 hours', now(), now()
        from generate_series(1, ${size.deployments}) g,
             lateral (select case when g <= ${size.due} then now() - interval '4 hours'
                                  else now() - (g % 3000) * interval '1 second' end as seen) s`,
  )
  await step(
    `${size.audit} audit rows`,
    `insert into audit_log (id, tenant_id, at, actor, action, target_type, target_id, after)
        select 'aud_g' || ${pad('g')}, ${tenantId}, now() - (g % 100000) * interval '1 minute',
               'key:key_g' || (g % 50), 'license.' || (array['create','update','suspend',
               'reinstate','revoke','renew','reissue','deactivate'])[1 + g % 8],
               (array['license','customer','plan','deployment'])[1 + g % 4],
               'lic_g' || ${pad(`((g - 1) % ${size.licenses}) + 1`)}, '{}'
        from generate_series(1, ${size.audit}) g`,
  )
  await step(
    `${size.usageBatches} usage batches`,
    `insert into usage_batches (tenant_id, batch_id, license_id, install_id, counters, received_at)
        select ${tenantId}, 'b-' || g, 'lic_g' || ${pad(`((g - 1) % ${size.licenses}) + 1`)},
               'inst-' || g, 1, now() - (g % 2000) * interval '1 hour'
        from generate_series(1, ${size.usageBatches}) g`,
  )
  await step(
    `${size.violations} violations`,
    `insert into violations (id, tenant_id, license_id, kind, severity, source, details,
                                created_at, last_seen_at)
        select 'vio_g' || ${pad('g')}, ${tenantId}, 'lic_g' || ${pad(`((g - 1) % ${size.licenses}) + 1`)},
               (array['clock_tampered','key_sharing','over_limit'])[1 + g % 3], 'high', 'client',
               '{}', now(), now()
        from generate_series(1, ${size.violations}) g`,
  )
  await step('analyze', 'analyze')
}
