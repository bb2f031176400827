import type { Html } from './html.js'
import { h } from './jsx.js'
import type { MonthlyUsage } from '../usage/usage-by-month.js'
import { chartGeometry } from './chart-geometry.js'

/** One bar of a {@link BarChart}: its full label, the short axis label and the amount. */
export interface ChartPoint {
  label: string
  tick: string
  amount: number
}

/**
 * A series as an inline SVG bar chart (no script, so the CSP holds), with an optional limit
 * line and a text table for screen readers. Used by the portal's usage charts and the console's
 * usage and per-hour charts.
 *
 * @example
 * ```tsx
 * <BarChart name="validations" caption="Validations per hour" limit={null} points={points} />
 * ```
 */
export function BarChart(props: {
  name: string
  caption: string
  limit: number | null
  points: ChartPoint[]
  /** Show every n-th axis label (dense series). */
  tickEvery?: number
}): Html {
  const g = chartGeometry(
    {
      metric: props.name,
      limit: props.limit,
      months: props.points.map((p) => ({ month: p.label, amount: p.amount })),
    },
    { width: 480, height: 140 },
  )
  const every = props.tickEvery ?? 1
  const id = `chart-${props.name.replace(/[^A-Za-z0-9_-]/g, '_')}`
  return (
    <figure class="usage" data-metric={props.name}>
      <figcaption id={id}>{props.caption}</figcaption>
      <svg class="chart" viewBox={`0 0 ${g.width} ${g.height}`} role="img" aria-labelledby={id}>
        <line class="axis" x1={0} y1={g.height - 20} x2={g.width} y2={g.height - 20} />
        {g.bars.map((b, i) => (
          <g>
            <rect class="bar" x={b.x} y={b.y} width={b.width} height={b.height}>
              <title>{`${b.month}: ${b.amount}`}</title>
            </rect>
            {i % every === 0 ? (
              <text x={b.x} y={g.height - 6}>
                {props.points[i]!.tick}
              </text>
            ) : null}
          </g>
        ))}
        {g.limitY !== null ? (
          <line
            class="limit"
            x1={0}
            y1={g.limitY}
            x2={g.width}
            y2={g.limitY}
            stroke="#b3261e"
            stroke-width={1.5}
          >
            <title>{`limit ${props.limit}`}</title>
          </line>
        ) : null}
      </svg>
      <details>
        <summary>{`${props.caption}, as numbers`}</summary>
        <table>
          <tbody>
            {props.points.map((p) => (
              <tr>
                <th scope="row">{p.label}</th>
                <td>{p.amount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}

/**
 * One metric's monthly usage as a {@link BarChart}, with the license limit as a line.
 *
 * @example
 * ```tsx
 * <UsageChart usage={usage[0]} />
 * ```
 */
export function UsageChart(props: { usage: MonthlyUsage }): Html {
  const u = props.usage
  return (
    <BarChart
      name={u.metric}
      caption={`${u.metric}${u.limit !== null ? ` (limit ${u.limit})` : ''}`}
      limit={u.limit}
      points={u.months.map((m) => ({ label: m.month, tick: m.month.slice(2), amount: m.amount }))}
    />
  )
}
