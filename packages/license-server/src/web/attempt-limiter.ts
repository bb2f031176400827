import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { PageError } from './page-error.js'

/** A fixed-window limit: at most `max` attempts per `windowMs`. */
export interface AttemptLimit {
  max: number
  windowMs: number
}

/**
 * Counts one attempt against `key` (e.g. `staff-login:ip:203.0.113.9`) in the database, so every
 * server instance shares the count, and throws RATE_LIMITED once the window is over its limit.
 *
 * @example
 * ```ts
 * await countAttempt(db, `staff-login:ip:${request.ip}`, { max: 20, windowMs: 900_000 }, now())
 * ```
 */
export async function countAttempt(
  db: Db,
  key: string,
  limit: AttemptLimit,
  now: Date,
): Promise<void> {
  const cutoff = new Date(now.getTime() - limit.windowMs)
  const row = await db
    .insertInto('web_attempts')
    .values({ key: key.slice(0, 300), window_start: now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when web_attempts.window_start <= ${cutoff} then 1 else web_attempts.count + 1 end`,
        window_start: sql<Date>`case when web_attempts.window_start <= ${cutoff} then ${now} else web_attempts.window_start end`,
      }),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow()
  if (row.count > limit.max) {
    const start = row.window_start instanceof Date ? row.window_start : new Date(row.window_start)
    const retryAfterS = Math.max(
      1,
      Math.ceil((start.getTime() + limit.windowMs - now.getTime()) / 1000),
    )
    throw new PageError('RATE_LIMITED', undefined, { retryAfterS })
  }
}

/**
 * Whether `key` is currently over its limit, without counting (check before doing the work).
 *
 * @example
 * ```ts
 * await assertUnderLimit(db, `staff-login:acct:${id}`, limit, now())
 * ```
 */
export async function assertUnderLimit(
  db: Db,
  key: string,
  limit: AttemptLimit,
  now: Date,
): Promise<void> {
  const row = await db
    .selectFrom('web_attempts')
    .select(['count', 'window_start'])
    .where('key', '=', key.slice(0, 300))
    .executeTakeFirst()
  if (!row) return
  const end = row.window_start.getTime() + limit.windowMs
  if (end > now.getTime() && row.count >= limit.max) {
    throw new PageError('RATE_LIMITED', undefined, {
      retryAfterS: Math.max(1, Math.ceil((end - now.getTime()) / 1000)),
    })
  }
}

/**
 * Forgets the attempts of `key` (after a successful sign-in).
 *
 * @example
 * ```ts
 * await clearAttempts(db, `staff-login:acct:${id}`)
 * ```
 */
export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.deleteFrom('web_attempts').where('key', '=', key.slice(0, 300)).execute()
}
