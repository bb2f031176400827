import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link customerPortalLink}. */
export interface CustomerPortalLinkInput extends GlobalOptions {
  id: string
}

/**
 * Creates a one-time, 10-minute sign-in link into a customer's portal ("see what the customer
 * sees"). The link is read-only, its use is audited and shown to the customer.
 *
 * @example
 * ```ts
 * const { data } = await customerPortalLink({ id: 'cus_123' }, ctx)
 * ```
 */
export async function customerPortalLink(
  input: CustomerPortalLinkInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const link = await (
    await apiClient(input, ctx)
  ).post<{ url: string; expiresAt: string }>(`/v1/admin/customers/${seg(input.id)}/portal-link`)
  return {
    data: link,
    blocks: [
      { type: 'text', text: link.url },
      {
        type: 'text',
        text: `Works once, until ${link.expiresAt}. The customer sees that support used it.`,
      },
    ],
  }
}

export const customerPortalLinkCommand = defineCommand<CustomerPortalLinkInput>({
  path: ['customer', 'portal-link'],
  summary: "Create a one-time sign-in link into a customer's portal (support)",
  args: ['<id>'],
  examples: [
    'tollgate customer portal-link cus_123',
    'tollgate customer portal-link cus_123 --json | jq -r .url',
  ],
  run: customerPortalLink,
})
