import type { Database } from '../db/database.js'

/** The `format` of the header line of every export file. */
export const EXPORT_FORMAT = 'tollgate-export'
/** Version of the export format; an importer refuses versions it does not know. */
export const EXPORT_VERSION = 1

/** How a column travels: text/number/bool as JSON, `date` as ISO 8601, `json` as a value. */
export type ColumnKind = 'value' | 'date' | 'json'

/** One section of an export: a table of the tenant, its columns and how they compare. */
export interface SectionSpec {
  /** The `type` of its lines. */
  type: string
  table: keyof Database
  /** Every column carried (never `tenant_id`: the header names the tenant). */
  columns: Record<string, ColumnKind>
  /** Columns that change by themselves (last use, heartbeats): not compared on re-import. */
  volatile?: readonly string[]
  /** Exported only when asked (`audit`). */
  optional?: boolean
}

const v = 'value' as const
const d = 'date' as const
const j = 'json' as const

/**
 * The sections of format version 1, in file (and import) order: a row only references rows of
 * earlier sections (plans' downgrade targets are linked once every plan is in). Signing keys
 * carry the public JWK, and the private key only when encrypted under an export passphrase;
 * API keys carry only their SHA-256 hash; webhook endpoints carry no secret. Seat pools travel
 * (they hold seats until they expire); seat leases do not (they free themselves within a TTL).
 */
export const SECTIONS: readonly SectionSpec[] = [
  {
    type: 'signing_key',
    table: 'signing_keys',
    columns: { kid: v, public_jwk: j, state: v, created_at: d, retired_at: d },
    volatile: ['state', 'retired_at'],
  },
  {
    type: 'api_key',
    table: 'api_keys',
    columns: {
      id: v,
      name: v,
      key_hash: v,
      prefix: v,
      scopes: j,
      created_by: v,
      created_at: d,
      last_used_at: d,
      revoked_at: d,
    },
    volatile: ['last_used_at', 'revoked_at'],
  },
  {
    type: 'customer',
    table: 'customers',
    columns: {
      id: v,
      name: v,
      email: v,
      external_id: v,
      stripe_customer_id: v,
      metadata: j,
      created_at: d,
      updated_at: d,
    },
  },
  {
    type: 'plan',
    table: 'plans',
    columns: {
      id: v,
      name: v,
      product: v,
      tier: v,
      entitlements: j,
      limits: j,
      policy: j,
      duration_days: v,
      stripe_price_id: v,
      past_due_grace_days: v,
      cancel_behavior: v,
      reminder_days: j,
      downgrade_plan_id: v,
      public: v,
      purchase_mode: v,
      created_at: d,
      updated_at: d,
    },
  },
  {
    type: 'license',
    table: 'licenses',
    columns: {
      id: v,
      customer_id: v,
      plan_id: v,
      product: v,
      tier: v,
      status: v,
      status_reason: v,
      entitlements: j,
      limits: j,
      policy: j,
      metadata: j,
      kid: v,
      deployment_id: v,
      issued_at: d,
      expires_at: d,
      suspended_at: d,
      revoked_at: d,
      created_at: d,
      updated_at: d,
    },
  },
  {
    type: 'deployment',
    table: 'deployments',
    columns: {
      id: v,
      license_id: v,
      install_id: v,
      status: v,
      fingerprint: j,
      app_version: v,
      last_address: v,
      activated_at: d,
      last_seen_at: d,
      dead_after: d,
      deactivated_at: d,
      deactivated_reason: v,
      created_at: d,
      updated_at: d,
    },
    volatile: ['last_seen_at', 'dead_after', 'updated_at', 'last_address', 'app_version'],
  },
  {
    // Relay pools hold floating seats until they expire: without them the importing server
    // would sell those seats again while the pool files on air-gapped sites are still valid.
    type: 'seat_pool',
    table: 'seat_pools',
    columns: {
      id: v,
      license_id: v,
      seats: v,
      lease_ttl_s: v,
      overage: v,
      relay_kid: v,
      relay_key: v,
      machine_id: v,
      hostname: v,
      not_before: d,
      expires_at: d,
      created_by: v,
      created_at: d,
    },
  },
  {
    type: 'webhook_endpoint',
    table: 'webhook_endpoints',
    columns: {
      id: v,
      url: v,
      description: v,
      event_types: j,
      status: v,
      disabled_reason: v,
      alert_email: v,
      created_at: d,
      updated_at: d,
    },
    volatile: ['status', 'disabled_reason', 'updated_at'],
  },
  {
    type: 'audit',
    table: 'audit_log',
    columns: {
      id: v,
      at: d,
      actor: v,
      action: v,
      target_type: v,
      target_id: v,
      before: j,
      after: j,
      request_id: v,
      ip: v,
    },
    optional: true,
  },
]

/** The section of a line type, or undefined. */
export function sectionOf(type: string): SectionSpec | undefined {
  return SECTIONS.find((s) => s.type === type)
}

/** A database row as it travels: only the section's columns, dates as ISO strings. */
export function encodeRow(
  spec: SectionSpec,
  row: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, kind] of Object.entries(spec.columns)) {
    const value = row[name] ?? null
    out[name] = kind === 'date' && value instanceof Date ? value.toISOString() : value
  }
  return out
}

/** JSON with sorted object keys: two encodings of one row compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    const obj = value as Record<string, unknown>
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

/** True when an exported row and a stored one agree on every non-volatile column. */
export function sameRow(
  spec: SectionSpec,
  incoming: Record<string, unknown>,
  stored: Record<string, unknown>,
): boolean {
  const skip = new Set(spec.volatile ?? [])
  for (const name of Object.keys(spec.columns)) {
    if (skip.has(name)) continue
    const a = incoming[name] ?? null
    const b = stored[name] ?? null
    if (spec.columns[name] === 'date') {
      const ta = a === null ? null : new Date(a as string).getTime()
      const tb = b === null ? null : new Date(b as string).getTime()
      if (ta !== tb) return false
    } else if (canonicalJson(a) !== canonicalJson(b)) return false
  }
  return true
}
