import { Option } from 'commander'
import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { collect, dateArg, keyNumber, keyString, positiveInt } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { licenseWithToken } from '../../lib/views.js'
import { issueFromCsv } from '../../lib/bulk-issue.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseIssue}. */
export interface LicenseIssueInput extends GlobalOptions {
  customer?: string
  plan?: string
  /** ISO-8601 expiry; default: the plan's duration. */
  expires?: string
  /** Accept an `expires` in the past (a license that is expired from the start). */
  allowPast?: boolean
  entitlement?: string[]
  limit?: Record<string, number>
  deployment?: string
  metadata?: Record<string, string>
  /** Bulk: a CSV with one license per row. */
  from?: string
  /** Bulk: requests in flight at once. */
  concurrency?: number
  /** Bulk: write per-row results, with the keys, to this CSV (mode 0600). */
  out?: string
  /** Email the key to the customer's address on file (through the server's outbox). */
  email?: boolean
}

/**
 * Issues a license (`--customer` + `--plan`), or one per CSV row with `--from` (see
 * docs/cli.md for the columns). Answers the license and its key.
 *
 * @example
 * ```ts
 * const { data } = await licenseIssue({ customer: 'cus_1', plan: 'pln_1', expires: '2027-12-31T00:00:00Z' }, ctx)
 * ```
 */
export async function licenseIssue(
  input: LicenseIssueInput,
  ctx: CliContext,
): Promise<CommandResult> {
  if (
    input.expires !== undefined &&
    input.allowPast !== true &&
    Date.parse(input.expires) <= ctx.now().getTime()
  ) {
    throw new CliError(
      'USAGE',
      `--expires ${input.expires} is in the past: the license would be expired from the start`,
      {
        hint: 'Pass a future date (e.g. --expires +365d), or --allow-past if that is what you want',
      },
    )
  }
  if (input.from !== undefined) return issueFromCsv(input, ctx)
  if (!input.customer || !input.plan) {
    throw new CliError(
      'USAGE',
      'license issue needs --customer <id> and --plan <id> (or --from <csv>)',
      {
        hint: 'e.g. tollgate license issue --customer cus_123 --plan pln_pro',
      },
    )
  }
  const body = {
    customerId: input.customer,
    planId: input.plan,
    ...(input.expires ? { expiresAt: input.expires } : {}),
    ...(input.entitlement ? { entitlements: input.entitlement } : {}),
    ...(input.limit ? { limits: input.limit } : {}),
    ...(input.deployment ? { deploymentId: input.deployment } : {}),
    ...(input.metadata ? { metadata: input.metadata } : {}),
    ...(input.email ? { email: true } : {}),
  }
  const res = await (
    await apiClient(input, ctx)
  ).post<{ license: Record<string, unknown>; token: string }>('/v1/admin/licenses', body)
  return licenseWithToken(res, 'issued')
}

export const licenseIssueCommand = defineCommand<LicenseIssueInput>({
  path: ['license', 'issue'],
  summary: 'Issue a license (or many, from a CSV)',
  options: (cmd) =>
    cmd
      .addOption(new Option('--customer <id>', 'customer id (cus_…)').conflicts('from'))
      .option('--plan <id>', 'plan id (pln_…); with --from, the default for rows without one')
      .option('--expires <date>', 'expiry: ISO date or +<n>d (default: from the plan)', (v) =>
        dateArg(v),
      )
      .option('--allow-past', 'accept an --expires date in the past')
      .option(
        '-e, --entitlement <names>',
        "entitlements instead of the plan's (repeat or comma-separate)",
        collect,
      )
      .option(
        '--limit <name=n>',
        "a limit instead of the plan's, e.g. users=25 (repeatable)",
        keyNumber,
      )
      .option('--deployment <id>', 'lock the license to one deployment id')
      .option('--metadata <key=value>', 'metadata (repeatable)', keyString)
      .option('--email', "email the key to the customer's address on file")
      .option(
        '--from <csv>',
        'issue one license per CSV row (customerId|email,name; planId; expiresAt; …)',
      )
      .option('--concurrency <n>', 'bulk: requests in flight at once', positiveInt, 4)
      .option(
        '--out <file>',
        'bulk: write per-row results with license keys to this CSV (mode 0600)',
      ),
  examples: [
    'tollgate license issue --customer cus_123 --plan pln_pro --expires +365d',
    'tollgate license issue --customer cus_123 --plan pln_pro -e sso,audit --limit users=50 --json | jq -r .token',
    'tollgate license issue --from customers.csv --plan pln_pro --out issued.csv',
    'tollgate license issue --customer cus_123 --plan pln_pro --email',
  ],
  run: licenseIssue,
})
