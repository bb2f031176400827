import type { Redis } from 'ioredis'
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify'
import { findApiKeyByHash, touchApiKey } from '../api-keys/api-key.repository.js'
import { API_KEY_PREFIX, hashApiKeySecret } from '../api-keys/api-key-secret.js'
import { hasScope } from '../api-keys/scopes.js'
import type { AuditActor } from '../audit/audit-actor.js'
import { AppError } from '../errors/app-error.js'
import { safeEqual } from '../lib/hash.js'
import type { AdminAuthConfig } from './admin-auth.config.js'
import { AdminKeyCache, AuthFailureLimiter } from './admin-key-cache.js'
import { SharedAuthFailures } from './shared-auth-failures.js'

/** Who is calling an admin route (set by the admin auth hook). */
export interface AdminAuth {
  tenantId: string
  apiKeyId: string
  scopes: string[]
  /** `key:<apiKeyId>`: the audit actor. */
  actor: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every /v1/admin route; reading it elsewhere throws UNAUTHORIZED. */
    auth: AdminAuth
  }
  interface FastifyInstance {
    /** Admin key lookup cache and failed-authentication limiter (issue 20). */
    adminAuth: { keys: AdminKeyCache; failures: AuthFailureLimiter }
  }
}

/**
 * Decorates `app.adminAuth` (key lookup cache, per-IP failure limiter) for {@link authenticateAdmin}.
 *
 * @example
 * ```ts
 * setupAdminAuth(app, config.adminAuth, redis ? { redis, prefix: 'tollgate-rl:authfail:' } : undefined)
 * ```
 */
export function setupAdminAuth(
  app: FastifyInstance,
  config: AdminAuthConfig,
  shared?: { redis: Redis; prefix: string },
): void {
  const store = shared
    ? new SharedAuthFailures(shared.redis, shared.prefix, config.failureWindowMs)
    : undefined
  app.decorate('adminAuth', {
    keys: new AdminKeyCache(config.keyCacheMs),
    failures: new AuthFailureLimiter(config.failuresMax, config.failureWindowMs, store),
  })
}

const TOUCH_EVERY_MS = 60_000

/**
 * onRequest hook of the admin scope: resolves `Authorization: Bearer tg_admin_...` to
 * `request.auth`. Unknown key: INVALID_API_KEY; revoked: API_KEY_REVOKED. An IP with too many
 * failures is answered 429 RATE_LIMITED before any lookup; lookups are cached briefly
 * (`ADMIN_KEY_CACHE_MS`, see {@link AdminKeyCache}).
 *
 * @example
 * ```ts
 * admin.addHook('onRequest', authenticateAdmin)
 * ```
 */
export async function authenticateAdmin(
  request: FastifyRequest,
  reply?: FastifyReply,
): Promise<void> {
  const { db, now } = request.server.tollgate
  const { keys, failures } = request.server.adminAuth
  const nowMs = now().getTime()
  const retryS = await failures.blockedFor(request.ip, nowMs)
  if (retryS !== undefined) {
    void reply?.header('retry-after', retryS)
    throw new AppError('RATE_LIMITED', `Too many failed authentications, retry in ${retryS}s`)
  }
  try {
    const row = await lookUp(request, keys, nowMs)
    const at = now()
    if (!row.last_used_at || at.getTime() - row.last_used_at.getTime() > TOUCH_EVERY_MS) {
      await touchApiKey(db, row.id, at)
      row.last_used_at = at
    }
    request.auth = {
      tenantId: row.tenant_id,
      apiKeyId: row.id,
      scopes: row.scopes,
      actor: `key:${row.id}`,
    }
  } catch (err) {
    if (err instanceof AppError && err.statusCode === 401) await failures.fail(request.ip, nowMs)
    throw err
  }
}

async function lookUp(request: FastifyRequest, keys: AdminKeyCache, nowMs: number) {
  const header = request.headers.authorization
  if (typeof header !== 'string' || header.length === 0) throw new AppError('UNAUTHORIZED')
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  const secret = match?.[1]
  if (!secret?.startsWith(API_KEY_PREFIX) || secret.length > 128) {
    throw new AppError('INVALID_API_KEY')
  }
  const { keyHash } = hashApiKeySecret(secret)
  let row = keys.get(keyHash, nowMs)
  if (!row) {
    row = await findApiKeyByHash(request.server.tollgate.db, keyHash)
    // The lookup is by hash; compare again in constant time so no timing depends on the secret.
    if (!row || !safeEqual(row.key_hash, keyHash)) throw new AppError('INVALID_API_KEY')
    keys.set(keyHash, row, nowMs)
  }
  if (row.revoked_at !== null) throw new AppError('API_KEY_REVOKED')
  return row
}

/**
 * preHandler that answers 403 INSUFFICIENT_SCOPE unless the key holds `scope`.
 *
 * @example
 * ```ts
 * app.post('/licenses', { preHandler: requireScope('licenses:write') }, handler)
 * ```
 */
export function requireScope(
  scope: string,
): (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  return (request, _reply, done) => {
    if (hasScope(request.auth.scopes, scope)) done()
    else done(new AppError('INSUFFICIENT_SCOPE', `This route needs the scope ${scope}`))
  }
}

/**
 * The audit actor of an admin request.
 *
 * @example
 * ```ts
 * await updateLicenseStatus(trx, tenantId, id, 'suspend', { reason }, actorFromRequest(request), app.tollgate)
 * ```
 */
export function actorFromRequest(request: FastifyRequest): AuditActor {
  return { actor: request.auth.actor, requestId: request.id, ip: request.ip }
}
