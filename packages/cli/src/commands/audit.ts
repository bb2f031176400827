import type { CliContext } from '../context.js'
import { AUDIT_COLUMNS } from '../lib/columns.js'
import { fetchList, type ListOptions } from '../lib/list.js'
import { listFlags } from '../lib/parsers.js'
import { apiClient } from '../lib/session.js'
import { pageResult } from '../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from './types.js'

/** Input of {@link audit}. */
export interface AuditInput extends GlobalOptions, ListOptions {
  action?: string
  targetType?: string
  target?: string
  actor?: string
}

/**
 * Lists audit log entries (who did what to which object), newest first.
 *
 * @example
 * ```ts
 * const { data } = await audit({ target: 'lic_123' }, ctx)
 * ```
 */
export async function audit(input: AuditInput, ctx: CliContext): Promise<CommandResult> {
  const page = await fetchList(
    await apiClient(input, ctx),
    '/v1/admin/audit',
    {
      action: input.action,
      targetType: input.targetType,
      targetId: input.target,
      actor: input.actor,
    },
    input,
  )
  return pageResult(page, AUDIT_COLUMNS)
}

export const auditCommand = defineCommand<AuditInput>({
  path: ['audit'],
  summary: 'Show the audit log',
  options: (cmd) => {
    cmd
      .option('--action <action>', 'only this action, e.g. license.revoke')
      .option('--target-type <type>', 'only this object type, e.g. license')
      .option('--target <id>', 'only this object id')
      .option('--actor <actor>', 'only this actor (API key id)')
    listFlags(cmd)
  },
  examples: [
    'tollgate audit --target lic_123',
    'tollgate audit --action license.revoke --limit 20 --json',
  ],
  run: audit,
})
