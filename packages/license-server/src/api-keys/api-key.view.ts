import { iso } from '../lib/json.js'
import type { ApiKeyRow } from './api-key.table.js'

/** An API key as the API shows it (never the secret or its hash). */
export function toApiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  }
}
