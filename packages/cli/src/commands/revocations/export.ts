import { resolve } from 'node:path'
import { LicenseError, verifyRevocationList } from '@tollgate/license-client'
import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { writeFileAtomic } from '../../lib/atomic-write.js'
import { apiClient } from '../../lib/session.js'
import { loadKeySet, unverifiedIssuer } from '../../lib/sources.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link revocationsExport}. */
export interface RevocationsExportInput extends GlobalOptions {
  file: string
  /** Tenant id (`ten_…`); default the server's own tenant. */
  tenant?: string
  /** `--no-verify` sets false: write without checking the signature first. */
  verify?: boolean
}

const iso = (s: number): string => new Date(s * 1000).toISOString()

/**
 * Downloads the signed revocation list (`GET /v1/revocations`), checks its signature against
 * the server's JWKS, and writes it atomically: carry the file to an air-gapped site and point
 * the client (or `tollgate license verify --revocations`) at it.
 *
 * @example
 * ```ts
 * await revocationsExport({ file: 'revocations.jws' }, ctx)
 * ```
 */
export async function revocationsExport(
  input: RevocationsExportInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const client = await apiClient(input, ctx)
  const res = await client.json<{ list?: unknown }>('GET', '/v1/revocations', {
    auth: false,
    query: { tenant: input.tenant },
  })
  if (typeof res?.list !== 'string') {
    throw new CliError('BAD_RESPONSE', 'GET /v1/revocations did not answer { list: "<jws>" }')
  }
  const jws = res.list.trim()
  let summary: Record<string, unknown> = {}
  if (input.verify !== false) {
    const { keys, source } = await loadKeySet(undefined, input, ctx, unverifiedIssuer(jws))
    try {
      const list = verifyRevocationList(jws, keys)
      summary = {
        issuedAt: iso(list.iat),
        nextUpdate: iso(list.nextUpdate),
        revoked: list.revoked.length,
        suspended: list.suspended.length,
        keys: source,
      }
    } catch (cause) {
      const why = cause instanceof LicenseError ? `${cause.message} (${cause.code})` : String(cause)
      throw new CliError(
        'REVOCATION_LIST_INVALID',
        `The server's revocation list does not verify: ${why}`,
        {
          cause,
          hint: 'Nothing was written. Check the server signing keys (tollgate keys list)',
        },
      )
    }
  }
  const path = resolve(ctx.cwd, input.file)
  await writeFileAtomic(path, `${jws}\n`)
  const data = { file: path, bytes: jws.length + 1, verified: input.verify !== false, ...summary }
  return {
    data,
    blocks: [
      { type: 'text', text: `Wrote the revocation list to ${path}.` },
      { type: 'record', record: data },
    ],
  }
}

export const revocationsExportCommand = defineCommand<RevocationsExportInput>({
  path: ['revocations', 'export'],
  summary: 'Save the signed revocation list to a file, for air-gapped sites',
  args: ['<file>'],
  options: (cmd) =>
    cmd
      .option('--tenant <id>', "tenant (ten_…) whose list to export; default the server's own")
      .option('--no-verify', 'write without checking the signature first'),
  examples: [
    'tollgate revocations export ./revocations.jws',
    'tollgate --profile prod revocations export /media/usb/revocations.jws --json',
  ],
  run: revocationsExport,
})
