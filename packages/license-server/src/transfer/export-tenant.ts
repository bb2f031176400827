import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { open, seal } from '../lib/secret-box.js'
import { signingKeyAad } from '../signing-keys/create-signing-key.js'
import { findTenant } from '../tenants/tenant.repository.js'
import { newExportKey, type ExportKdf } from './export-passphrase.js'
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  SECTIONS,
  encodeRow,
  type SectionSpec,
} from './transfer-format.js'

/** Rows read per query: memory stays bounded by one page, whatever the tenant's size. */
const PAGE = 500

/** What to put in an export. */
export interface ExportOptions {
  /** Include the audit log (can be large). */
  audit?: boolean
  /** Include the private signing keys, sealed under a key derived from this passphrase. */
  passphrase?: string
  now: Date
}

/** The first line of an export file. */
export interface ExportHeader {
  type: 'header'
  format: typeof EXPORT_FORMAT
  version: number
  exportedAt: string
  tenant: { id: string; name: string; createdAt: string }
  sections: string[]
  /** `encrypted`: private keys included (under `kdf`); `public`: verification keys only. */
  signingKeys: 'public' | 'encrypted'
  kdf?: ExportKdf
}

/** Another server's copy of a key: sealed with the export key, bound to tenant and kid. */
export function exportKeyAad(tenantId: string, kid: string): string {
  return `tollgate-export:${signingKeyAad(tenantId, kid)}`
}

async function* pages(
  db: Db,
  spec: SectionSpec,
  tenantId: string,
): AsyncGenerator<Record<string, unknown>> {
  // Signing keys page by insertion order (their order decides which one signs); others by id.
  const order = spec.table === 'signing_keys' ? 'seq' : 'id'
  let after: string | number | undefined
  for (;;) {
    let q = db
      .selectFrom(spec.table)
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy(order, 'asc')
      .limit(PAGE)
    if (after !== undefined) q = q.where(order, '>', after as never)
    const rows = (await q.execute()) as Record<string, unknown>[]
    for (const row of rows) yield row
    if (rows.length < PAGE) return
    after = rows[rows.length - 1]![order] as string | number
  }
}

/**
 * Streams one tenant as JSON Lines (format {@link EXPORT_VERSION}): a header, then each
 * section's rows (`{"type":"license","row":{…}}`), then `{"type":"end","counts":{…}}` so an
 * importer can tell a complete file from a cut one. Only `tenantId`'s rows are read. Private
 * signing keys leave only with a passphrase, decrypted from the master key and sealed again
 * under a key derived from it (scrypt); API keys travel as hashes; webhook secrets never.
 *
 * @example
 * ```ts
 * for await (const line of exportTenant(db, masterKey, tenantId, { now: new Date() })) out.write(line)
 * ```
 */
export async function* exportTenant(
  db: Db,
  masterKey: Buffer,
  tenantId: string,
  opts: ExportOptions,
): AsyncGenerator<string> {
  const tenant = await findTenant(db, tenantId)
  if (!tenant) throw new AppError('NOT_FOUND', 'No such tenant')
  const sections = SECTIONS.filter((s) => !s.optional || opts.audit === true)
  const exportKey = opts.passphrase === undefined ? undefined : await newExportKey(opts.passphrase)
  const header: ExportHeader = {
    type: 'header',
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: opts.now.toISOString(),
    tenant: { id: tenant.id, name: tenant.name, createdAt: tenant.created_at.toISOString() },
    sections: sections.map((s) => s.type),
    signingKeys: exportKey ? 'encrypted' : 'public',
    ...(exportKey ? { kdf: exportKey.kdf } : {}),
  }
  yield `${JSON.stringify(header)}\n`
  const counts: Record<string, number> = {}
  for (const spec of sections) {
    counts[spec.type] = 0
    for await (const row of pages(db, spec, tenantId)) {
      const line: Record<string, unknown> = { type: spec.type, row: encodeRow(spec, row) }
      // A verify-only key (imported without its private half) stays verify-only.
      if (spec.table === 'signing_keys' && exportKey && row.private_key_enc !== '') {
        const kid = row.kid as string
        const pem = open(masterKey, row.private_key_enc as string, signingKeyAad(tenantId, kid))
        line.privateKey = seal(exportKey.key, pem, exportKeyAad(tenantId, kid))
      }
      counts[spec.type]! += 1
      yield `${JSON.stringify(line)}\n`
    }
  }
  yield `${JSON.stringify({ type: 'end', counts })}\n`
}
