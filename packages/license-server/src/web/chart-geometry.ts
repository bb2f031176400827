import type { MonthlyUsage } from '../usage/usage-by-month.js'

/** One bar of a usage chart, in SVG user units. */
export interface ChartBar {
  x: number
  y: number
  width: number
  height: number
  month: string
  amount: number
}

/** Geometry of a per-month bar chart: bars, the limit line, the axis maximum. */
export interface ChartGeometry {
  width: number
  height: number
  bars: ChartBar[]
  /** y of the limit line, when the metric has a limit. */
  limitY: number | null
  max: number
}

const PAD_TOP = 8
const PAD_BOTTOM = 20

/**
 * Lays out one metric's monthly usage as bars in a `width` x `height` box, scaled so the
 * larger of the busiest month and the limit fits, with room for month labels below.
 *
 * @example
 * ```ts
 * const g = chartGeometry(usage[0], { width: 480, height: 160 })
 * ```
 */
export function chartGeometry(
  usage: MonthlyUsage,
  box: { width: number; height: number },
): ChartGeometry {
  const max = Math.max(1, usage.limit ?? 0, ...usage.months.map((m) => m.amount))
  const plot = box.height - PAD_TOP - PAD_BOTTOM
  const slot = box.width / Math.max(1, usage.months.length)
  const bars = usage.months.map((m, i) => {
    const height = Math.round((m.amount / max) * plot * 10) / 10
    return {
      x: Math.round((i * slot + slot * 0.15) * 10) / 10,
      y: Math.round((PAD_TOP + plot - height) * 10) / 10,
      width: Math.round(slot * 0.7 * 10) / 10,
      height,
      month: m.month,
      amount: m.amount,
    }
  })
  const limitY =
    usage.limit === null
      ? null
      : Math.round((PAD_TOP + plot - (usage.limit / max) * plot) * 10) / 10
  return { width: box.width, height: box.height, bars, limitY, max }
}
