import type { FastifyInstance } from 'fastify'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The app's Prometheus registry and instruments (one registry per app, not the global one). */
export interface Metrics {
  registry: Registry
  requests: Counter<'method' | 'route' | 'status'>
  latency: Histogram<'method' | 'route' | 'status'>
  validations: Counter<'code'>
}

/**
 * Creates the registry and an onResponse hook counting requests and latency by route template
 * and status. Features add their own instruments to `app.tollgate.metrics.registry`.
 *
 * @example
 * ```ts
 * const metrics = setupMetrics(app)
 * metrics.validations.inc({ code: 'VALID' })
 * ```
 */
export function setupMetrics(app: FastifyInstance, opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry()
  if (opts.defaults) collectDefaultMetrics({ register: registry, prefix: 'tollgate_' })
  const labelNames = ['method', 'route', 'status'] as const
  const requests = new Counter({
    name: 'tollgate_http_requests_total',
    help: 'HTTP requests by route template and status',
    labelNames,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'tollgate_http_request_duration_seconds',
    help: 'HTTP request latency by route template and status',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  const validations = new Counter({
    name: 'tollgate_license_validations_total',
    help: 'Online license validations by outcome code',
    labelNames: ['code'] as const,
    registers: [registry],
  })
  app.addHook('onResponse', async (request, reply) => {
    // The template (/v1/admin/licenses/:id), never the raw URL: bounded label cardinality.
    const route = request.routeOptions.url ?? 'unmatched'
    const labels = { method: request.method, route, status: String(reply.statusCode) }
    requests.inc(labels)
    latency.observe(labels, reply.elapsedTime / 1000)
  })
  return { registry, requests, latency, validations }
}
