import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { planBody, planFlags, policyFlags, type PlanFlags } from '../../lib/plan-body.js'
import { apiClient, seg } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link planUpdate}. */
export interface PlanUpdateInput extends GlobalOptions, PlanFlags {
  id: string
}

/**
 * Changes a plan (only the flags given). Existing licenses keep their signed claims until
 * reissued.
 *
 * @example
 * ```ts
 * await planUpdate({ id: 'pln_1', limit: { users: 100 } }, ctx)
 * ```
 */
export async function planUpdate(input: PlanUpdateInput, ctx: CliContext): Promise<CommandResult> {
  const client = await apiClient(input, ctx)
  const path = `/v1/admin/plans/${seg(input.id)}`
  const patch = planBody(input)
  const policy = policyFlags(input)
  if (Object.keys(patch).length === 0 && Object.keys(policy).length === 0)
    throw new CliError('USAGE', 'Nothing to change', { hint: 'See tollgate plan update --help' })
  if (Object.keys(policy).length) {
    // The API takes a whole policy: merge the flags given into the plan's current one.
    const current = await client.get<{ policy: Record<string, number> }>(path)
    patch.policy = { ...current.policy, ...policy }
  }
  const plan = await client.json<Record<string, unknown>>('PATCH', path, { body: patch })
  return changedResult(plan, `Updated plan ${input.id}.`)
}

export const planUpdateCommand = defineCommand<PlanUpdateInput>({
  path: ['plan', 'update'],
  summary: 'Change a plan',
  args: ['<id>'],
  options: (cmd) => planFlags(cmd, false),
  examples: [
    'tollgate plan update pln_123 --limit users=100',
    'tollgate plan update pln_123 --offline-grace-days 30',
  ],
  run: planUpdate,
})
