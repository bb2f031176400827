import { Counter, type Registry } from 'prom-client'

const counters = new WeakMap<Registry, Counter<'outcome'>>()

/**
 * `tollgate_named_users_total{outcome}` of an app's registry (created once per registry):
 * `assigned`, `existing`, `refused` (USER_LIMIT_REACHED), `released`.
 *
 * @example
 * ```ts
 * namedUserCounter(app.tollgate.metrics.registry).inc({ outcome: 'assigned' })
 * ```
 */
export function namedUserCounter(registry: Registry): Counter<'outcome'> {
  let c = counters.get(registry)
  if (!c) {
    c = new Counter({
      name: 'tollgate_named_users_total',
      help: 'Named-user assignments and releases, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    })
    counters.set(registry, c)
  }
  return c
}
