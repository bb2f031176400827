import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { apiClient } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link trialIssue}. */
export interface TrialIssueInput extends GlobalOptions {
  plan?: string
  email?: string
  customer?: string
  name?: string
  /** Email the key to the customer (through the server's outbox). */
  deliver?: boolean
}

/**
 * Issues a trial license on a trial plan (`trialDays`) to an email or a customer; the server
 * refuses a second trial per customer or email (TRIAL_ALREADY_USED). Audited as `trial.issue`.
 *
 * @example
 * ```ts
 * const { data } = await trialIssue({ plan: 'pln_trial', email: 'dev@acme.test' }, ctx)
 * ```
 */
export async function trialIssue(input: TrialIssueInput, ctx: CliContext): Promise<CommandResult> {
  if (!input.plan || (!input.email && !input.customer)) {
    throw new CliError(
      'USAGE',
      'trial issue needs --plan <id> and --email <address> or --customer <id>',
      {
        hint: 'e.g. tollgate trial issue --plan pln_trial --email dev@acme.test',
      },
    )
  }
  const body = {
    planId: input.plan,
    ...(input.email ? { email: input.email } : {}),
    ...(input.customer ? { customerId: input.customer } : {}),
    ...(input.name ? { name: input.name } : {}),
    ...(input.deliver ? { deliver: true } : {}),
  }
  const res = await (
    await apiClient(input, ctx)
  ).post<{ trial: Record<string, unknown>; license: Record<string, unknown>; token: string }>(
    '/v1/admin/trials',
    body,
  )
  return {
    data: res,
    blocks: [
      { type: 'record', record: res.trial },
      { type: 'text', text: `Trial license key (send it to the customer):\n${res.token}` },
    ],
  }
}

export const trialIssueCommand = defineCommand<TrialIssueInput>({
  path: ['trial', 'issue'],
  summary: 'Issue a trial license (one per customer, email and machine)',
  options: (cmd) =>
    cmd
      .option('--plan <id>', 'a trial plan id (pln_…, with trialDays)')
      .option('--email <address>', 'who gets the trial (a customer is created if none has it)')
      .option('--customer <id>', 'an existing customer (cus_…) instead of --email')
      .option('--name <name>', 'name of a customer created for --email')
      .option('--deliver', "email the key to the customer's address"),
  examples: [
    'tollgate trial issue --plan pln_trial --email dev@acme.test',
    'tollgate trial issue --plan pln_trial --customer cus_123 --deliver --json',
  ],
  run: trialIssue,
})
