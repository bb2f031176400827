import { Counter, type Registry } from 'prom-client'

/** What an offline-activation call did (the counter's `outcome` label). */
export type OfflineOutcome =
  'activated' | 'reissued' | 'refused' | 'invalid' | 'deactivated' | 'deactivation_replayed'

const counters = new WeakMap<Registry, Counter<'outcome'>>()

/**
 * `tollgate_offline_activations_total{outcome}`, registered once per app registry.
 *
 * @example
 * ```ts
 * offlineCounter(app.tollgate.metrics.registry).inc({ outcome: 'activated' })
 * ```
 */
export function offlineCounter(registry: Registry): Counter<'outcome'> {
  let c = counters.get(registry)
  if (c === undefined) {
    c = new Counter({
      name: 'tollgate_offline_activations_total',
      help: 'Offline activations (machine files) and deactivation proofs by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    })
    counters.set(registry, c)
  }
  return c
}
