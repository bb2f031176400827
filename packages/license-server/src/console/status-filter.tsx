import type { Html } from '../web/html.js'
import { h } from '../web/jsx.js'

/** Props of {@link StatusFilter}. */
export interface StatusFilterProps {
  /** The list page the GET form submits to. */
  action: string
  statuses: readonly string[]
  /** The status filtered on now, if any. */
  status: string | undefined
  /** Text of the "no filter" option. */
  anyLabel: string
  /** Marks the "no filter" option selected (unset: the browser picks the first option). */
  anySelected?: boolean
  /** Adds `data-autosubmit` to the select (web.js submits the form on change). */
  autosubmit?: boolean
}

/**
 * A list page's status filter: a GET form with one status select and a Filter button.
 *
 * @example
 * ```tsx
 * <StatusFilter action="/console/trials" statuses={STATUSES} status={status} anyLabel="Any" />
 * ```
 */
export function StatusFilter(p: StatusFilterProps): Html {
  return (
    <form method="get" action={p.action} class="filters">
      <label>
        Status
        <select name="status" data-autosubmit={p.autosubmit}>
          <option value="" selected={p.anySelected}>
            {p.anyLabel}
          </option>
          {p.statuses.map((s) => (
            <option value={s} selected={s === p.status}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">
        Filter
      </button>
    </form>
  )
}
