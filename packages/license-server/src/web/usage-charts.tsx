import type { MonthlyUsage } from '../usage/usage-by-month.js'
import type { Html } from './html.js'
import { Fragment, h } from './jsx.js'
import { UsageChart } from './usage-chart.js'

/**
 * A license's usage per metric over the last 12 months, one {@link UsageChart} each, or a line
 * saying there is none.
 *
 * @example
 * ```tsx
 * <UsageCharts usage={await usageByMonth(db, tenantId, license, { now, months: 12 })} grid />
 * ```
 */
export function UsageCharts(p: { usage: readonly MonthlyUsage[]; grid?: boolean }): Html {
  if (p.usage.length === 0) return <p class="muted">No usage reported in the last 12 months.</p>
  const charts = p.usage.map((u) => <UsageChart usage={u} />)
  return p.grid ? <div class="grid">{charts}</div> : <>{charts}</>
}
