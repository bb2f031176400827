import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link seatRelease}. */
export interface SeatReleaseInput extends GlobalOptions {
  license: string
  leaseId: string
  yes?: boolean
}

/**
 * Frees a floating seat held by a client (audited); the client learns at its next renewal.
 *
 * @example
 * ```ts
 * await seatRelease({ license: 'lic_123', leaseId: 'seat_abc', yes: true }, ctx)
 * ```
 */
export async function seatRelease(
  input: SeatReleaseInput,
  ctx: CliContext,
): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Release seat ${input.leaseId} of ${input.license}?`)
  const data = await (
    await apiClient(input, ctx)
  ).json<Record<string, unknown>>(
    'DELETE',
    `/v1/admin/licenses/${seg(input.license)}/seats/${seg(input.leaseId)}`,
  )
  return { data, blocks: [{ type: 'text', text: `Released seat ${input.leaseId}.` }] }
}

export const seatReleaseCommand = defineCommand<SeatReleaseInput>({
  path: ['seat', 'release'],
  summary: 'Release a floating seat held by a client',
  args: ['<license>', '<leaseId>'],
  destructive: true,
  examples: ['tollgate seat release lic_123 seat_abc --yes'],
  run: seatRelease,
})
