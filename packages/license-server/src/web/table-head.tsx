import type { Html } from './html.js'
import { h } from './jsx.js'

/**
 * A table's header row: one column header (`scope="col"`) per entry, in order.
 *
 * @example
 * ```tsx
 * <table><TableHead columns={['Product', 'Plan', 'State']} /><tbody>…</tbody></table>
 * ```
 */
export function TableHead(p: { columns: readonly (string | Html)[] }): Html {
  return (
    <thead>
      <tr>
        {p.columns.map((c) => (
          <th scope="col">{c}</th>
        ))}
      </tr>
    </thead>
  )
}
