import type { Html } from '../../web/html.js'
import { h } from '../../web/jsx.js'
import type { MonthlyUsage } from '../usage-by-month.js'
import { chartGeometry } from '../usage-chart.js'

/**
 * One metric's monthly usage as an inline SVG bar chart (no script, so the CSP holds), with the
 * license limit as a line and a text table for screen readers.
 *
 * @example
 * ```tsx
 * <UsageChart usage={usage[0]} />
 * ```
 */
export function UsageChart(props: { usage: MonthlyUsage }): Html {
  const u = props.usage
  const g = chartGeometry(u, { width: 480, height: 140 })
  const id = `usage-${u.metric.replace(/[^A-Za-z0-9_-]/g, '_')}`
  return (
    <figure class="usage" data-metric={u.metric}>
      <figcaption id={id}>
        {u.metric}
        {u.limit !== null ? ` (limit ${u.limit})` : ''}
      </figcaption>
      <svg class="chart" viewBox={`0 0 ${g.width} ${g.height}`} role="img" aria-labelledby={id}>
        <line class="axis" x1={0} y1={g.height - 20} x2={g.width} y2={g.height - 20} />
        {g.bars.map((b) => (
          <g>
            <rect class="bar" x={b.x} y={b.y} width={b.width} height={b.height}>
              <title>{`${b.month}: ${b.amount}`}</title>
            </rect>
            <text x={b.x} y={g.height - 6}>
              {b.month.slice(2)}
            </text>
          </g>
        ))}
        {g.limitY !== null ? (
          <line class="limit" x1={0} y1={g.limitY} x2={g.width} y2={g.limitY} />
        ) : null}
      </svg>
      <table class="sr-only">
        <caption>{`${u.metric} per month`}</caption>
        <tbody>
          {u.months.map((m) => (
            <tr>
              <th scope="row">{m.month}</th>
              <td>{m.amount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
