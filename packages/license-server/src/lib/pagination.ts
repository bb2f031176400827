import { AppError } from '../errors/app-error.js'

/** Default and largest page size of list endpoints. */
export const PAGE = { default: 50, max: 200 } as const

/** Opaque cursor for the id after which the next page starts. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url')
}

/** Decodes a cursor; anything that is not one of ours is INVALID_CURSOR. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined
  const id = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!/^[a-z]{2,8}_[0-9a-z]{12,40}$/.test(id)) throw new AppError('INVALID_CURSOR')
  return id
}

/**
 * Turns `limit + 1` rows (newest first) into a page `{ items, nextCursor }`.
 *
 * @example
 * ```ts
 * const rows = await q.where('id', '<', after).orderBy('id', 'desc').limit(limit + 1).execute()
 * return toPage(rows, limit, toView)
 * ```
 */
export function toPage<R extends { id: string }, V>(
  rows: R[],
  limit: number,
  view: (row: R) => V,
): { items: V[]; nextCursor: string | null } {
  const more = rows.length > limit
  const items = more ? rows.slice(0, limit) : rows
  const last = items[items.length - 1]
  return { items: items.map(view), nextCursor: more && last ? encodeCursor(last.id) : null }
}
