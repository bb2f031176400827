import { counterPerRegistry } from '../metrics/counter-per-registry.js'

/**
 * `tollgate_trials_total{event}` of an app's registry (created once per registry): `issued`,
 * `self_service_issued`, `converted`, `refused`.
 *
 * @example
 * ```ts
 * trialCounter(app.tollgate.metrics.registry).inc({ event: 'issued' })
 * ```
 */
export const trialCounter = counterPerRegistry({
  name: 'tollgate_trials_total',
  help: 'Trial licenses issued, converted to paid and refused, by event',
  labelNames: ['event'] as const,
})

/**
 * `tollgate_trial_refusals_total{reason}`: TRIAL_ALREADY_USED answers by what the earlier
 * trial shared — `customer`, `email` or `machine` (a reinstall on the same machine).
 *
 * @example
 * ```ts
 * trialRefusalCounter(app.tollgate.metrics.registry).inc({ reason: 'machine' })
 * ```
 */
export const trialRefusalCounter = counterPerRegistry({
  name: 'tollgate_trial_refusals_total',
  help: 'Trials refused as TRIAL_ALREADY_USED, by what the earlier trial shared',
  labelNames: ['reason'] as const,
})
