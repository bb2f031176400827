import { Option } from 'commander'
import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** The console's staff roles, most to least powerful. */
export const STAFF_ROLES = ['owner', 'admin', 'support', 'sales', 'read-only'] as const

/** Input of {@link staffInvite}. */
export interface StaffInviteInput extends GlobalOptions {
  email: string
  role: (typeof STAFF_ROLES)[number]
  yes?: boolean
}

/**
 * Invites a person to the staff console with a role: the server answers a one-time link
 * (valid 7 days), printed once here; whoever opens it creates the account (password, TOTP,
 * then passkeys). Inviting an owner or admin asks first (`--yes` skips): their link grants
 * everything. An owner key may invite owners, e.g. the first one; a `staff:admin` key any other
 * role.
 *
 * @example
 * ```ts
 * const { data } = await staffInvite({ email: 'sam@vendor.test', role: 'support' }, ctx)
 * ```
 */
export async function staffInvite(
  input: StaffInviteInput,
  ctx: CliContext,
): Promise<CommandResult> {
  if (input.role === 'owner' || input.role === 'admin') {
    await confirmOrAbort(
      input,
      ctx,
      `Invite ${input.email} as ${input.role}? The link lets whoever opens it manage everything.`,
    )
  }
  const res = await (
    await apiClient(input, ctx)
  ).post<{ id: string; email: string; role: string; expiresAt: string; url: string }>(
    '/v1/admin/staff/invitations',
    { email: input.email, role: input.role },
  )
  const { url, ...record } = res
  return {
    data: res,
    blocks: [
      { type: 'record', record },
      {
        type: 'text',
        text: `One-time console link (shown only once; send it to ${res.email}):\n${url}`,
      },
    ],
  }
}

export const staffInviteCommand = defineCommand<StaffInviteInput>({
  path: ['staff', 'invite'],
  summary: 'Invite a person to the staff console (prints a one-time link)',
  args: ['<email>'],
  options: (cmd) =>
    cmd.addOption(
      new Option('--role <role>', 'their role in the console')
        .choices([...STAFF_ROLES])
        .makeOptionMandatory(),
    ),
  destructive: true,
  examples: [
    'tollgate staff invite sam@vendor.test --role support',
    'tollgate staff invite owner@vendor.test --role owner --yes --json | jq -r .url',
  ],
  run: staffInvite,
})
