import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely'
import type { Database } from '../db/database.js'

/** A LIKE pattern matching values that start with `q`, with `%`, `_` and `\\` taken literally. */
export function prefixPattern(q: string): string {
  return `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * The console's customer search: the customer's name or email starts with `q`, ignoring case.
 * A prefix match on `lower(name)` / `lower(email)`, so the `text_pattern_ops` indexes of
 * migration `2026120811_console_search` serve it (substring search would scan every customer).
 *
 * @example
 * ```ts
 * db.selectFrom('customers').selectAll().where('tenant_id', '=', t).where((eb) => customerMatches(eb, 'acme'))
 * ```
 */
export function customerMatches(
  eb: ExpressionBuilder<Database, 'customers'>,
  q: string,
): Expression<SqlBool> {
  const pattern = prefixPattern(q)
  return eb.or([eb(sql`lower(name)`, 'like', pattern), eb(sql`lower(email)`, 'like', pattern)])
}
