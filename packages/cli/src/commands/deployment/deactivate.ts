import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link deploymentDeactivate}. */
export interface DeploymentDeactivateInput extends GlobalOptions {
  id: string
  yes?: boolean
}

/**
 * Deactivates a deployment, freeing its seat; that install must activate again.
 *
 * @example
 * ```ts
 * await deploymentDeactivate({ id: 'dep_123', yes: true }, ctx)
 * ```
 */
export async function deploymentDeactivate(
  input: DeploymentDeactivateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Deactivate deployment ${input.id}?`)
  const res = await (
    await apiClient(input, ctx)
  ).post<Record<string, unknown> | undefined>(`/v1/admin/deployments/${seg(input.id)}/deactivate`)
  const data = res ?? { id: input.id, deactivated: true }
  return { data, blocks: [{ type: 'text', text: `Deactivated deployment ${input.id}.` }] }
}

export const deploymentDeactivateCommand = defineCommand<DeploymentDeactivateInput>({
  path: ['deployment', 'deactivate'],
  summary: 'Deactivate a deployment (frees its seat)',
  args: ['<id>'],
  destructive: true,
  examples: [
    'tollgate deployment deactivate dep_123',
    'tollgate deployment deactivate dep_123 --yes',
  ],
  run: deploymentDeactivate,
})
