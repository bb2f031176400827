import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { CliContext } from '../context.js'
import { CliError, EXIT } from '../errors.js'
import { exportPassphrase } from '../lib/export-passphrase.js'
import { streamRequest } from '../lib/http.js'
import { apiClient } from '../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from './types.js'

/** Input of {@link tenantImport}. */
export interface TenantImportInput extends GlobalOptions {
  file: string
  passphraseFile?: string
}

interface ImportSummary {
  tenantId: string
  createdTenant: boolean
  complete: boolean
  signingKeys: string
  createdSigningKey: string | null
  counts: Record<string, { inserted: number; unchanged: number; conflicts: number }>
  conflictCount: number
  conflicts: { line: number; type: string; id: string | null; code: string; message: string }[]
}

/** The header line of an export file (read before sending, to ask for a passphrase if needed). */
async function readHeader(path: string): Promise<{ signingKeys?: unknown }> {
  let text = ''
  try {
    const handle = await open(path, 'r')
    try {
      const buf = Buffer.alloc(64 * 1024)
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0)
      text = buf.subarray(0, bytesRead).toString('utf8')
    } finally {
      await handle.close()
    }
  } catch (cause) {
    throw new CliError('FILE_ERROR', `Could not read ${path}: ${(cause as Error).message}`, {
      cause,
    })
  }
  try {
    return JSON.parse(text.split('\n')[0] ?? '') as { signingKeys?: unknown }
  } catch {
    throw new CliError('USAGE', `${path} is not a Tollgate export (no header line)`)
  }
}

/**
 * Sends an export file to `POST /v1/admin/import` as a stream and prints the server's summary.
 * Re-running it is a no-op; rows the server refused are listed with a typed code, and the exit
 * code is 1 when there were any (or the file was cut off).
 *
 * @example
 * ```ts
 * await tenantImport({ file: 'tenant.jsonl', passphraseFile: 'pass.txt' }, ctx)
 * ```
 */
export async function tenantImport(
  input: TenantImportInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const path = resolve(ctx.cwd, input.file)
  const header = await readHeader(path)
  const passphrase =
    header.signingKeys === 'encrypted'
      ? await exportPassphrase(input.passphraseFile, ctx)
      : undefined
  const client = await apiClient(input, ctx)
  const text = await streamRequest(client, {
    method: 'POST',
    path: '/v1/admin/import',
    contentType: 'application/x-ndjson',
    body: createReadStream(path),
    ...(passphrase ? { headers: { 'tollgate-export-passphrase': passphrase } } : {}),
  })
  let summary: ImportSummary
  try {
    summary = JSON.parse(text) as ImportSummary
  } catch (cause) {
    throw new CliError('BAD_RESPONSE', 'POST /v1/admin/import answered non-JSON', { cause })
  }
  const rows = Object.entries(summary.counts).map(([type, c]) => ({ type, ...c }))
  const ok = summary.conflictCount === 0 && summary.complete
  return {
    data: summary,
    blocks: [
      {
        type: 'text',
        text: `Imported into tenant ${summary.tenantId}${summary.createdTenant ? ' (created)' : ''}: ${summary.conflictCount} conflict(s)${summary.complete ? '' : ', file cut off before its end line'}.`,
      },
      {
        type: 'table',
        columns: [
          { key: 'type', header: 'TYPE' },
          { key: 'inserted', header: 'INSERTED' },
          { key: 'unchanged', header: 'UNCHANGED' },
          { key: 'conflicts', header: 'CONFLICTS' },
        ],
        rows,
      },
      ...(summary.conflicts.length > 0
        ? [
            {
              type: 'table' as const,
              columns: [
                { key: 'line', header: 'LINE' },
                { key: 'type', header: 'TYPE' },
                { key: 'id', header: 'ID' },
                { key: 'code', header: 'CODE' },
                { key: 'message', header: 'MESSAGE' },
              ],
              rows: summary.conflicts,
            },
          ]
        : []),
    ],
    ...(summary.createdSigningKey
      ? {
          notes: [
            `Signing keys came in verify-only; new tokens are signed by the new key ${summary.createdSigningKey}.`,
          ],
        }
      : {}),
    ...(ok ? {} : { exitCode: EXIT.FAILED }),
  }
}

export const tenantImportCommand = defineCommand<TenantImportInput>({
  path: ['import'],
  summary: 'Import a tenant export into this server (same ids; re-running is a no-op)',
  args: ['<file>'],
  options: (cmd) =>
    cmd.option(
      '--passphrase-file <path>',
      'passphrase of an export with signing keys (first line)',
    ),
  examples: [
    'tollgate import tenant.jsonl',
    'tollgate import tenant.jsonl --passphrase-file pass.txt --json',
  ],
  run: tenantImport,
})
