import { Counter, type Registry } from 'prom-client'

/** A counter's name, help text and label names (as in prom-client's `CounterConfiguration`). */
export interface CounterSpec<T extends string> {
  name: string
  help: string
  labelNames: readonly T[]
}

/**
 * A getter for one counter per app registry: the counter is registered on a registry the first
 * time it is asked for and the same one is returned after (an app's registry must not see the
 * name twice; tests build many apps, each with its own registry).
 *
 * @example
 * ```ts
 * export const seatPoolCounter = counterPerRegistry({
 *   name: 'tollgate_seat_pools_total',
 *   help: 'Relay pool files signed (created) or refused (error code)',
 *   labelNames: ['outcome'] as const,
 * })
 * seatPoolCounter(app.tollgate.metrics.registry).inc({ outcome: 'created' })
 * ```
 */
export function counterPerRegistry<T extends string>(
  spec: CounterSpec<T>,
): (registry: Registry) => Counter<T> {
  const counters = new WeakMap<Registry, Counter<T>>()
  return (registry) => {
    let c = counters.get(registry)
    if (c === undefined) {
      c = new Counter({ ...spec, registers: [registry] })
      counters.set(registry, c)
    }
    return c
  }
}
