import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link userList}. */
export interface UserListInput extends GlobalOptions {
  license: string
  limit?: string
  after?: string
}

interface UserPage {
  items: { licenseId: string; userHash: string; assignedAt: string }[]
  used: number
  max: number
  next: string | null
}

/**
 * Lists the named users (hashed ids) assigned to a license, with the count and `maxUsers`.
 *
 * @example
 * ```ts
 * const { data } = await userList({ license: 'lic_123' }, ctx)
 * ```
 */
export async function userList(input: UserListInput, ctx: CliContext): Promise<CommandResult> {
  const page = await (
    await apiClient(input, ctx)
  ).get<UserPage>(`/v1/admin/licenses/${seg(input.license)}/users`, {
    ...(input.limit ? { limit: input.limit } : {}),
    ...(input.after ? { after: input.after } : {}),
  })
  const notes = [`${page.used} of ${page.max === 0 ? 'unlimited' : page.max} named users`]
  if (page.next) notes.push(`More: --after ${page.next}`)
  return {
    data: page,
    blocks: [
      {
        type: 'table',
        columns: [
          { key: 'userHash', header: 'USER HASH' },
          { key: 'assignedAt', header: 'ASSIGNED' },
        ],
        rows: page.items,
      },
    ],
    notes,
  }
}

export const userListCommand = defineCommand<UserListInput>({
  path: ['user', 'list'],
  summary: 'List the named users of a license',
  args: ['<license>'],
  options: (cmd) =>
    cmd
      .option('--limit <n>', 'page size (1-200)')
      .option('--after <hash>', 'start after this user hash (from the previous page)'),
  examples: ['tollgate user list lic_123', 'tollgate user list lic_123 --json | jq .used'],
  run: userList,
})
