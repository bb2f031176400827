import { featureDenial } from './denial-body.js'
import type { FeatureGate } from './licensed.js'

/** The part of a Fastify reply the guard uses (a real `FastifyReply` fits). */
export interface ReplyLike {
  code(status: number): ReplyLike
  header(name: string, value: string): ReplyLike
  send(payload?: unknown): unknown
}

/** A Fastify preHandler hook (async form). */
export type FeaturePreHandler = (request: unknown, reply: ReplyLike) => Promise<unknown>

/** The part of a Fastify instance the plugin uses. */
export interface FastifyLike {
  decorate(name: string, value: unknown): unknown
}

/** Options of {@link fastifyLicense}. */
export interface FastifyLicenseOptions {
  client: FeatureGate
}

/**
 * A preHandler that lets the request through only while `feature` is usable, else answers 402
 * (plan lacks it) or 403 (license restricted) with a JSON body naming the feature and state.
 *
 * @example
 * ```ts
 * app.get('/sso', { preHandler: requireFeatureHook(client, 'sso') }, async () => 'ok')
 * ```
 */
export function requireFeatureHook(client: FeatureGate, feature: string): FeaturePreHandler {
  return (_request, reply) => {
    const denied = featureDenial(client, feature)
    if (denied === undefined) return Promise.resolve(undefined)
    // Resolving with the reply tells Fastify the async hook has answered.
    return Promise.resolve(
      reply
        .code(denied.status)
        .header('content-type', 'application/json; charset=utf-8')
        .send(denied),
    )
  }
}

/**
 * Fastify plugin: decorates the instance with `license` (the client) and
 * `requireFeature(name)` (a preHandler factory). It skips Fastify's encapsulation (the same
 * flag `fastify-plugin` sets), so the decorators are visible app-wide, and needs no fastify
 * import at runtime.
 *
 * @example
 * ```ts
 * await app.register(fastifyLicense, { client })
 * app.get('/sso', { preHandler: app.requireFeature('sso') }, async () => 'ok')
 * ```
 */
export const fastifyLicense = Object.assign(
  function fastifyLicense(
    instance: FastifyLike,
    opts: FastifyLicenseOptions,
    done: (err?: Error) => void,
  ): void {
    instance.decorate('license', opts.client)
    instance.decorate('requireFeature', (feature: string) =>
      requireFeatureHook(opts.client, feature),
    )
    done()
  },
  {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@tollgate/license-client',
  },
)
