import type { Child, Html } from '../web/html.js'
import { h } from '../web/jsx.js'

/** A timestamp as `YYYY-MM-DD HH:MM:SS` (UTC), or a dash. */
export function when(d: Date | null | undefined): string {
  return d ? d.toISOString().replace('T', ' ').slice(0, 19) : '—'
}

/**
 * A simple read-only table: header labels and rows of cells.
 *
 * @example
 * ```tsx
 * <RecordTable caption="Plans" head={['Name', 'Tier']} rows={plans.map((p) => [p.name, p.tier])} />
 * ```
 */
export function RecordTable(p: {
  caption: string
  head: string[]
  rows: Child[][]
  id?: string
}): Html {
  return (
    <div class="table-wrap">
      <table id={p.id}>
        <caption class="muted">{p.rows.length === 0 ? `${p.caption}: none` : p.caption}</caption>
        <thead>
          <tr>
            {p.head.map((label) => (
              <th scope="col">{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((cells) => (
            <tr>
              {cells.map((c) => (
                <td>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
