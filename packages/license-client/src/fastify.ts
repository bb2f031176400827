/**
 * The Fastify adapter with its type augmentation: importing from this entry point types
 * `app.license` and `app.requireFeature(...)` on every `FastifyInstance`. (The main entry point
 * exports the same plugin without touching the `fastify` module's types, so apps without
 * Fastify installed never see a dangling augmentation.)
 *
 * @example
 * ```ts
 * import { fastifyLicense } from '@tollgate/license-client/fastify'
 * await app.register(fastifyLicense, { client })
 * app.get('/sso', { preHandler: app.requireFeature('sso') }, async () => 'ok')
 * ```
 * @packageDocumentation
 */
// The module being augmented (types only: nothing of fastify is loaded at runtime).
import type {} from 'fastify'
import type { FeaturePreHandler } from './adapters/fastify.js'
import type { FeatureGate } from './adapters/licensed.js'

export {
  fastifyLicense,
  requireFeatureHook,
  type FastifyLicenseOptions,
  type FastifyLike,
  type FeaturePreHandler,
  type ReplyLike,
} from './adapters/fastify.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The license client given to `fastifyLicense`. */
    license: FeatureGate
    /** A preHandler that answers 402/403 unless `feature` is usable. */
    requireFeature(feature: string): FeaturePreHandler
  }
}
