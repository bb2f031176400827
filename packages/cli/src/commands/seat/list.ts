import type { CliContext } from '../../context.js'
import { SEAT_COLUMNS } from '../../lib/seat-columns.js'
import { apiClient, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link seatList}. */
export interface SeatListInput extends GlobalOptions {
  license: string
}

/** The admin seat list answer. */
interface SeatList {
  data: Record<string, unknown>[]
  seats: { used: number; seats: number; limit: number; pooled?: number }
  /** Unexpired relay pools holding seats (absent from servers before pools). */
  pools?: { id: string; seats: number; hostname: string; expiresAt: string }[]
}

/** Why online checkouts see fewer seats: the relay pools that hold them until they expire. */
function poolText(res: SeatList): string | undefined {
  const pools = res.pools ?? []
  if (pools.length === 0) return undefined
  const each = pools.map((p) => `${p.id} (${p.seats} on ${p.hostname}, until ${p.expiresAt})`)
  return `${res.seats.pooled ?? 0} seats held by relay pools: ${each.join(', ')}.`
}

/**
 * Lists the floating seats a license has checked out right now (unexpired leases), and the
 * unexpired relay pools holding seats.
 *
 * @example
 * ```ts
 * const { data } = await seatList({ license: 'lic_123' }, ctx)
 * ```
 */
export async function seatList(input: SeatListInput, ctx: CliContext): Promise<CommandResult> {
  const res = await (
    await apiClient(input, ctx)
  ).get<SeatList>(`/v1/admin/licenses/${seg(input.license)}/seats`)
  const { used, seats, limit } = res.seats
  const over = limit > seats ? ` (overage allowed up to ${limit})` : ''
  const pools = poolText(res)
  return {
    data: res,
    blocks: [
      { type: 'text', text: `${used} of ${seats} floating seats in use${over}.` },
      ...(pools === undefined ? [] : [{ type: 'text' as const, text: pools }]),
      { type: 'table', columns: SEAT_COLUMNS, rows: res.data },
    ],
  }
}

export const seatListCommand = defineCommand<SeatListInput>({
  path: ['seat', 'list'],
  summary: 'List the floating seats a license holds now',
  args: ['<license>'],
  examples: ['tollgate seat list lic_123', 'tollgate seat list lic_123 --json'],
  run: seatList,
})
