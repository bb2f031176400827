import type { CliContext } from '../../context.js'
import { DEPLOYMENT_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient, seg } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link deploymentList}. */
export interface DeploymentListInput extends GlobalOptions, ListOptions {
  license: string
}

/**
 * Lists the deployments (installs) of a license.
 *
 * @example
 * ```ts
 * const { data } = await deploymentList({ license: 'lic_123' }, ctx)
 * ```
 */
export async function deploymentList(
  input: DeploymentListInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const page = await fetchList(
    await apiClient(input, ctx),
    `/v1/admin/licenses/${seg(input.license)}/deployments`,
    {},
    input,
  )
  return pageResult(page, DEPLOYMENT_COLUMNS)
}

export const deploymentListCommand = defineCommand<DeploymentListInput>({
  path: ['deployment', 'list'],
  summary: 'List the deployments of a license',
  options: (cmd) => {
    cmd.requiredOption('--license <id>', 'license id (lic_…)')
    listFlags(cmd)
  },
  examples: ['tollgate deployment list --license lic_123'],
  run: deploymentList,
})
