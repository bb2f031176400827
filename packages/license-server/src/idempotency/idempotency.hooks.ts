import type { FastifyReply, FastifyRequest } from 'fastify'
import { setTimeout as delay } from 'node:timers/promises'
import { AppError } from '../errors/app-error.js'
import { sha256Hex } from '../lib/hash.js'
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  releaseIdempotencyKey,
} from './idempotency.repository.js'

/** Keys are remembered this long. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000
/** A key still `in_progress` after this is from a crashed request: a retry takes it over. */
const ABANDONED_MS = 5 * 60_000
/** How long a concurrent duplicate waits for the first request's answer. */
const WAIT_MS = 15_000
const POLL_MS = 25
/** Answers that are not stored (no effect happened, or the caller may retry as is). */
const NOT_STORED = new Set([401, 403, 429])

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request is the first one of its Idempotency-Key. */
    idempotency?: { tenantId: string; key: string }
  }
}

/** JSON with sorted object keys: the same body in another key order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

function replay(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('idempotent-replayed', 'true')
    .send(body)
}

/**
 * preHandler of the admin scope: a POST with `Idempotency-Key` runs once per tenant and key
 * for 24 h. A repeat with the same method, path and body gets the first answer (header
 * `Idempotent-Replayed: true`) without a second effect; with another request it is 409
 * IDEMPOTENCY_KEY_REUSED; while the first is still running, a repeat waits for its answer
 * (concurrent identical requests: one effect). Answers 401/403/429/5xx are not kept (they had
 * no effect), so the caller can retry with the same key.
 *
 * @example
 * ```ts
 * admin.addHook('preHandler', idempotencyPreHandler)
 * admin.addHook('onSend', idempotencyOnSend)
 * ```
 */
export async function idempotencyPreHandler(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  if (request.method !== 'POST') return undefined
  const header = request.headers['idempotency-key']
  if (header === undefined) return undefined
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header)) {
    throw new AppError('INVALID_IDEMPOTENCY_KEY')
  }
  const { db, now } = request.server.tollgate
  const tenantId = request.auth.tenantId
  const requestHash = sha256Hex(`POST ${request.url}\n${canonical(request.body)}`)
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    if (await claimIdempotencyKey(db, { tenantId, key: header, requestHash, now: now() })) {
      request.idempotency = { tenantId, key: header }
      return undefined
    }
    const row = await findIdempotencyKey(db, tenantId, header)
    if (!row) continue // released between our insert and read: claim again
    const age = now().getTime() - row.created_at.getTime()
    const stale =
      age > IDEMPOTENCY_TTL_MS ||
      (row.status === 'in_progress' && now().getTime() - row.updated_at.getTime() > ABANDONED_MS)
    if (stale) {
      await releaseIdempotencyKey(db, { tenantId, key: header, createdAt: row.created_at })
      continue
    }
    if (row.request_hash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED')
    if (row.status === 'done') return replay(reply, row.response_status!, row.response_body ?? '')
    if (Date.now() > deadline) throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS')
    await delay(POLL_MS)
  }
}

/**
 * onSend of the admin scope: stores the first request's answer under its key (or frees the key
 * when the answer had no effect).
 */
export async function idempotencyOnSend(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  const claim = request.idempotency
  if (!claim) return payload
  request.idempotency = undefined
  const { db, now } = request.server.tollgate
  const status = reply.statusCode
  const body =
    typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : null
  if (status >= 500 || NOT_STORED.has(status) || body === null) {
    await releaseIdempotencyKey(db, claim)
  } else {
    await completeIdempotencyKey(db, { ...claim, status, body, now: now() })
  }
  return payload
}
