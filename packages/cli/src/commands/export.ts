import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import type { CliContext } from '../context.js'
import { CliError } from '../errors.js'
import { exportPassphrase } from '../lib/export-passphrase.js'
import { streamRequest } from '../lib/http.js'
import { apiClient } from '../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from './types.js'

/** Input of {@link tenantExport}. */
export interface TenantExportInput extends GlobalOptions {
  file: string
  audit?: boolean
  includeSigningKeys?: boolean
  passphraseFile?: string
}

interface EndLine {
  type: 'end'
  counts: Record<string, number>
}

/**
 * Streams the tenant of the logged-in owner key (`POST /v1/admin/export`) to a JSON Lines file,
 * mode 0600, written to a temporary file and renamed only once the export's end line arrived: a
 * cut download never leaves a file that looks whole.
 *
 * @example
 * ```ts
 * await tenantExport({ file: 'tenant.jsonl', includeSigningKeys: true, passphraseFile: 'pass.txt' }, ctx)
 * ```
 */
export async function tenantExport(
  input: TenantExportInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const passphrase = input.includeSigningKeys
    ? await exportPassphrase(input.passphraseFile, ctx)
    : undefined
  const client = await apiClient(input, ctx)
  const path = resolve(ctx.cwd, input.file)
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`)
  let file
  try {
    file = await open(tmp, 'wx', 0o600)
  } catch (cause) {
    throw new CliError('FILE_ERROR', `Could not write ${path}: ${(cause as Error).message}`, {
      cause,
    })
  }
  let bytes = 0
  let tail = ''
  let end: EndLine | undefined
  try {
    await streamRequest(client, {
      method: 'POST',
      path: '/v1/admin/export',
      contentType: 'application/json',
      body: JSON.stringify({
        ...(input.audit ? { audit: true } : {}),
        ...(passphrase ? { passphrase } : {}),
      }),
      sink: async (chunk) => {
        bytes += chunk.length
        await file.write(chunk)
        // Only the last line matters (the end marker): keep what follows the last newline.
        tail = (tail + chunk.toString('utf8')).slice(-4096)
      },
    })
    await file.close()
    const last = tail.trim().split('\n').at(-1) ?? ''
    try {
      const parsed = JSON.parse(last) as Partial<EndLine>
      if (parsed.type === 'end' && parsed.counts) end = parsed as EndLine
    } catch {
      end = undefined
    }
    if (!end) {
      throw new CliError('BAD_RESPONSE', 'The export was cut off before its end line', {
        hint: 'Nothing was written; run the export again',
      })
    }
    await rename(tmp, path)
  } catch (err) {
    await file.close().catch(() => undefined)
    await rm(tmp, { force: true })
    throw err
  }
  const data = {
    file: path,
    bytes,
    signingKeys: passphrase ? 'encrypted' : 'public',
    counts: end.counts,
  }
  return {
    data,
    blocks: [
      { type: 'text', text: `Wrote the tenant export to ${path} (mode 0600).` },
      { type: 'record', record: { bytes, signingKeys: data.signingKeys, ...end.counts } },
    ],
  }
}

export const tenantExportCommand = defineCommand<TenantExportInput>({
  path: ['export'],
  summary:
    'Export your tenant (customers, plans, licenses, deployments, keys) to a JSON Lines file',
  args: ['<file>'],
  options: (cmd) =>
    cmd
      .option('--audit', 'include the audit log')
      .option(
        '--include-signing-keys',
        'include the private signing keys, encrypted under a passphrase',
      )
      .option('--passphrase-file <path>', 'read the passphrase from this file (first line)'),
  examples: [
    'tollgate export tenant.jsonl',
    'tollgate export tenant.jsonl --include-signing-keys --passphrase-file pass.txt --json',
  ],
  run: tenantExport,
})
