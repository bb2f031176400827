import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import {
  DEFAULT_POLICY,
  planBody,
  planFlags,
  policyFlags,
  type PlanFlags,
} from '../../lib/plan-body.js'
import { apiClient } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link planCreate}. */
export interface PlanCreateInput extends GlobalOptions, PlanFlags {}

/**
 * Creates a plan; unset policy fields take the server's defaults.
 *
 * @example
 * ```ts
 * await planCreate({ name: 'Pro', product: 'app', tier: 'pro', entitlement: ['sso'], limit: { users: 50 } }, ctx)
 * ```
 */
export async function planCreate(input: PlanCreateInput, ctx: CliContext): Promise<CommandResult> {
  // The server would default to perpetual; a licence that never expires must be a decision.
  if (input.durationDays === undefined && input.perpetual !== true) {
    throw new CliError(
      'USAGE',
      'plan create needs a license lifetime: --duration-days <n> or --perpetual',
      {
        hint: 'e.g. --duration-days 365 for yearly licenses, --perpetual for licenses that never expire',
      },
    )
  }
  const plan = await (
    await apiClient(input, ctx)
  ).post<Record<string, unknown>>('/v1/admin/plans', {
    entitlements: [],
    limits: {},
    ...planBody(input),
    policy: { ...DEFAULT_POLICY, ...policyFlags(input) },
  })
  return changedResult(plan, `Created plan ${String(plan.id)}.`)
}

export const planCreateCommand = defineCommand<PlanCreateInput>({
  path: ['plan', 'create'],
  summary: 'Create a plan',
  options: (cmd) => planFlags(cmd, true),
  examples: [
    'tollgate plan create --name Pro --product acme-app --tier pro -e sso,audit --limit users=50 --duration-days 365',
    'tollgate plan create --name Site --product acme-app --tier site --perpetual --max-deployments 3',
  ],
  run: planCreate,
})
