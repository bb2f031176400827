import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { licenseWithToken } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseChangePlan}. */
export interface LicenseChangePlanInput extends GlobalOptions {
  id: string
  plan: string
}

/**
 * Moves a license to another plan (upgrade or downgrade) keeping its id, deployments and
 * history; answers the license and its new key (the old key keeps the old claims until it
 * expires: send the new one).
 *
 * @example
 * ```ts
 * const { data } = await licenseChangePlan({ id: 'lic_123', plan: 'pln_pro' }, ctx)
 * ```
 */
export async function licenseChangePlan(
  input: LicenseChangePlanInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const res = await (
    await apiClient(input, ctx)
  ).post<{ license: Record<string, unknown>; token: string }>(
    `/v1/admin/licenses/${seg(input.id)}/plan`,
    { planId: input.plan },
  )
  return licenseWithToken(res, `now on plan ${input.plan}`)
}

export const licenseChangePlanCommand = defineCommand<LicenseChangePlanInput>({
  path: ['license', 'change-plan'],
  summary: 'Move a license to another plan (same license id); prints its new key',
  args: ['<id>'],
  options: (cmd) => cmd.requiredOption('--plan <id>', 'the new plan (pln_…)'),
  examples: ['tollgate license change-plan lic_123 --plan pln_pro'],
  run: licenseChangePlan,
})
