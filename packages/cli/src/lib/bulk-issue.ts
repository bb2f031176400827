import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import type { CliContext } from '../context.js'
import { CliError, EXIT } from '../errors.js'
import type { CommandResult } from '../commands/types.js'
import type { LicenseIssueInput } from '../commands/license/issue.js'
import { writeFileAtomic } from './atomic-write.js'
import { csvField, parseCsv } from './csv.js'
import { dateArg } from './parsers.js'
import { startProgress } from './progress.js'
import { readUserFile } from './sources.js'
import { apiClient } from './session.js'

/** The outcome of one CSV row. */
export interface RowResult {
  line: number
  customerId: string | null
  planId: string | null
  status: 'ok' | 'error'
  licenseId: string | null
  token: string | null
  error: string | null
  code: string | null
}

// A row the CLI can tell is wrong without asking the server.
class RowError extends Error {
  readonly code = 'INVALID_ROW' as const
}

function rowDate(value: string, now: Date): string {
  try {
    return dateArg(value, now)
  } catch (err) {
    throw new RowError(`expiresAt: ${(err as Error).message}`)
  }
}

const pick = (v: Record<string, string>, ...names: string[]): string | undefined =>
  names.map((n) => v[n]).find((x) => x !== undefined && x !== '')

/**
 * One Idempotency-Key per CSV row, from the row's content and the options that shape its
 * request (plus its occurrence, so two identical rows stay two licenses). Re-running the same
 * file within 24 h replays the rows that were issued instead of issuing them again. A relative
 * `--expires` is left out (it resolves to another instant on each run): such a row then answers
 * IDEMPOTENCY_KEY_REUSED, still never a second license.
 */
function rowKeys(rows: { values: Record<string, string> }[], input: LicenseIssueInput): string[] {
  const seen = new Map<string, number>()
  const shared = JSON.stringify([
    input.plan,
    input.entitlement,
    input.limit,
    input.deployment,
    input.metadata,
    input.email,
  ])
  return rows.map(({ values }) => {
    const content = JSON.stringify(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)))
    const n = (seen.get(content) ?? 0) + 1
    seen.set(content, n)
    const digest = createHash('sha256').update(`${shared}\n${content}\n${n}`).digest('hex')
    return `csv-${digest.slice(0, 40)}`
  })
}

/**
 * Issues one license per CSV row, `concurrency` at a time, with a progress bar on a terminal.
 * A failing row never stops the others; every row gets a result, in file order.
 */
export async function issueFromCsv(
  input: LicenseIssueInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const { header, rows } = parseCsv(readUserFile(input.from!, ctx, 'CSV file'))
  const has = (...n: string[]): boolean => n.some((x) => header.includes(x))
  if (!has('customerId', 'customer', 'email')) {
    throw new CliError(
      'USAGE',
      `CSV ${input.from}: needs a customerId column (or email and name to create customers)`,
      {
        hint: 'Columns: customerId|email,name; planId; expiresAt; entitlements (a;b); deploymentId',
      },
    )
  }
  if (!has('planId', 'plan') && !input.plan) {
    throw new CliError('USAGE', `CSV ${input.from}: no planId column and no --plan`, {
      hint: 'Add a planId column or pass --plan <id>',
    })
  }
  const client = await apiClient(input, ctx)
  const keys = rowKeys(rows, input)
  const results: RowResult[] = new Array<RowResult>(rows.length)
  const progress = startProgress(ctx.stderr, ctx.isTTY.stderr, rows.length, 'Issuing')

  const issueRow = async (index: number): Promise<void> => {
    const { line, values } = rows[index]!
    const planId = pick(values, 'planId', 'plan') ?? input.plan ?? null
    let customerId = pick(values, 'customerId', 'customer') ?? null
    const result: RowResult = {
      line,
      customerId,
      planId,
      status: 'error',
      licenseId: null,
      token: null,
      error: null,
      code: null,
    }
    try {
      const expires = pick(values, 'expiresAt', 'expires')
      const expiresAt = expires ? rowDate(expires, ctx.now()) : input.expires
      // The same rule as a single issue: a row expired from the start is a mistake unless said.
      if (expiresAt && input.allowPast !== true && Date.parse(expiresAt) <= ctx.now().getTime()) {
        throw new RowError(
          `expiresAt ${expiresAt} is in the past (pass --allow-past to issue it anyway)`,
        )
      }
      if (!customerId) {
        const email = pick(values, 'email')
        if (!email) throw new RowError('the row has neither customerId nor email')
        const created = await client.post<{ id: string }>(
          '/v1/admin/customers',
          { name: pick(values, 'name') ?? email, email },
          { idempotencyKey: `${keys[index]!}-customer` },
        )
        customerId = result.customerId = created.id
      }
      const entitlements = pick(values, 'entitlements')
        ?.split(/[;|]/)
        .map((s) => s.trim())
        .filter(Boolean)
      const deploymentId = pick(values, 'deploymentId', 'deployment') ?? input.deployment
      const res = await client.post<{ license: { id: string }; token: string }>(
        '/v1/admin/licenses',
        {
          customerId,
          planId,
          ...(expiresAt ? { expiresAt } : {}),
          ...(entitlements?.length
            ? { entitlements }
            : input.entitlement
              ? { entitlements: input.entitlement }
              : {}),
          ...(input.limit ? { limits: input.limit } : {}),
          ...(deploymentId ? { deploymentId } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
          ...(input.email ? { email: true } : {}),
        },
        { idempotencyKey: `${keys[index]!}-license` },
      )
      Object.assign(result, { status: 'ok', licenseId: res.license.id, token: res.token })
    } catch (err) {
      // A network failure is as much a per-row result as a 4xx: report it, go on.
      const e = err as Partial<CliError> & Error
      if (err instanceof RowError) {
        result.error = err.message
        result.code = 'INVALID_ROW'
        results[index] = result
        progress.tick(true)
        return
      }
      result.error = e.message
      result.code = e.serverCode ?? e.code ?? 'UNEXPECTED'
    }
    results[index] = result
    progress.tick(result.status === 'error')
  }

  let next = 0
  const worker = async (): Promise<void> => {
    while (next < rows.length) await issueRow(next++)
  }
  await Promise.all(Array.from({ length: Math.min(input.concurrency ?? 4, rows.length) }, worker))
  progress.done()

  const failed = results.filter((r) => r.status === 'error').length
  if (input.out) {
    const cols = [
      'line',
      'status',
      'customerId',
      'planId',
      'licenseId',
      'token',
      'code',
      'error',
    ] as const
    const csv = [
      cols.join(','),
      ...results.map((r) => cols.map((c) => csvField(r[c])).join(',')),
    ].join('\n')
    await writeFileAtomic(resolve(ctx.cwd, input.out), `${csv}\n`, 0o600)
  }
  const summary = `Issued ${rows.length - failed} of ${rows.length} licenses${failed ? `; ${failed} failed` : ''}.${input.out ? ` Results with keys: ${input.out}` : ''}`
  return {
    data: { issued: rows.length - failed, failed, results },
    blocks: [
      {
        type: 'table',
        columns: [
          { key: 'line', header: 'LINE' },
          { key: 'customerId', header: 'CUSTOMER' },
          { key: 'planId', header: 'PLAN' },
          { key: 'status', header: 'RESULT' },
          { key: 'licenseId', header: 'LICENSE' },
          {
            key: 'error',
            header: 'ERROR',
            get: (r) => (r.error ? `${r.error as string} (${r.code as string})` : null),
          },
        ],
        rows: results as unknown as Record<string, unknown>[],
      },
      { type: 'text', text: summary },
    ],
    notes:
      input.out || input.json
        ? []
        : [
            'Note: license keys are not shown in the table; use --out <file> or --json to keep them',
          ],
    ...(failed ? { exitCode: EXIT.FAILED } : {}),
  }
}
