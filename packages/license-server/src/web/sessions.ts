import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { sha256Hex } from '../lib/hash.js'
import { appendSetCookie, cookieName, parseCookies, serializeCookie } from './cookies.js'
import { PageError } from './page-error.js'
import {
  deleteSubjectSessions,
  deleteWebSession,
  findLiveWebSession,
  insertWebSession,
  setWebSessionData,
  touchWebSession,
} from './web-session.repository.js'
import type { WebRealm, WebSessionRow, WebSessionStage } from './web-session.table.js'

/** A pending sign-in lives this long (second factor, passkey challenge). */
export const PENDING_SESSION_MS = 10 * 60_000
/** The idle expiry is written at most this often (not on every page view). */
const TOUCH_EVERY_MS = 60_000

/** The session a request carries (set by the web scope's onRequest hook). */
export interface WebSession {
  idHash: string
  realm: WebRealm
  stage: WebSessionStage
  tenantId: string | null
  subjectId: string | null
  data: Record<string, unknown>
  createdAt: Date
  expiresAt: Date
}

/** A signed-in person: what {@link requireActiveSession} returns. */
export interface ActiveSession extends WebSession {
  stage: 'active'
  tenantId: string
  subjectId: string
}

/** Per-request web state, `request.web`. */
export interface WebRequestState {
  realm: WebRealm
  /** The live session (active or pending), or null. */
  session: WebSession | null
  /** The secret the CSRF token derives from (session id or pre-session cookie). */
  csrfSecret: string
  /** The CSRF token for forms (`_csrf`) and scripts (`x-csrf-token`). */
  csrfToken: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set in console/portal scopes by the web foundation. */
    web: WebRequestState
  }
}

/** The session cookie's base name per realm (`__Host-` is prefixed when Secure). */
export const SESSION_COOKIE: Record<WebRealm, string> = {
  staff: 'tg_console',
  customer: 'tg_portal',
}

function toSession(row: WebSessionRow): WebSession {
  return {
    idHash: row.id_hash,
    realm: row.realm,
    stage: row.stage,
    tenantId: row.tenant_id,
    subjectId: row.subject_id,
    data: row.data,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  }
}

/** The raw session id from the realm's cookie, if it has the right shape. */
export function sessionCookieValue(request: FastifyRequest, realm: WebRealm): string | undefined {
  const raw = parseCookies(request.headers.cookie).get(cookieName(request, SESSION_COOKIE[realm]))
  return raw !== undefined && /^[A-Za-z0-9_-]{43}$/.test(raw) ? raw : undefined
}

/**
 * Loads the live session of the request's cookie (moving its idle expiry forward), or null.
 *
 * @example
 * ```ts
 * const session = await loadSession(request, 'staff')
 * ```
 */
export async function loadSession(
  request: FastifyRequest,
  realm: WebRealm,
): Promise<{ session: WebSession; rawId: string } | null> {
  const rawId = sessionCookieValue(request, realm)
  if (rawId === undefined) return null
  const { db, now, config } = request.server.tollgate
  const at = now()
  const row = await findLiveWebSession(db, sha256Hex(rawId), realm, at)
  if (!row) return null
  if (row.stage === 'active' && at.getTime() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await touchWebSession(db, row, at, config.web.sessionIdleMs)
  }
  return { session: toSession(row), rawId }
}

/**
 * Starts a session and sets its cookie. Any session the browser had in this realm ends first
 * (no session fixation: a signed-in session always has a fresh id).
 *
 * @example
 * ```ts
 * await startSession(request, reply, { stage: 'active', tenantId, subjectId: staff.id })
 * ```
 */
export async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: {
    stage: WebSessionStage
    tenantId: string | null
    subjectId: string | null
    data?: Record<string, unknown>
  },
): Promise<WebSession> {
  const { db, now, config } = request.server.tollgate
  const realm = request.web.realm
  if (request.web.session) await deleteWebSession(db, request.web.session.idHash)
  const rawId = randomBytes(32).toString('base64url')
  const idHash = sha256Hex(rawId)
  const at = now()
  const maxMs = opts.stage === 'active' ? config.web.sessionMaxMs : PENDING_SESSION_MS
  await insertWebSession(db, {
    idHash,
    realm,
    stage: opts.stage,
    tenantId: opts.tenantId,
    subjectId: opts.subjectId,
    data: opts.data ?? {},
    now: at,
    idleMs: config.web.sessionIdleMs,
    maxMs,
    ip: request.ip,
    userAgent: (request.headers['user-agent'] ?? '').slice(0, 300) || null,
  })
  appendSetCookie(reply, serializeCookie(request, SESSION_COOKIE[realm], rawId, maxMs / 1000))
  const session: WebSession = {
    idHash,
    realm,
    stage: opts.stage,
    tenantId: opts.tenantId,
    subjectId: opts.subjectId,
    data: opts.data ?? {},
    createdAt: at,
    expiresAt: new Date(at.getTime() + maxMs),
  }
  request.web.session = session
  return session
}

/**
 * Ends the request's session (row and cookie).
 *
 * @example
 * ```ts
 * await endSession(request, reply); return reply.redirect('/console/login')
 * ```
 */
export async function endSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const session = request.web.session
  if (session) await deleteWebSession(request.server.tollgate.db, session.idHash)
  appendSetCookie(reply, serializeCookie(request, SESSION_COOKIE[request.web.realm], '', 0))
  request.web.session = null
}

/**
 * Ends every other session of the signed-in person; returns how many.
 *
 * @example
 * ```ts
 * const n = await endOtherSessions(request)
 * ```
 */
export async function endOtherSessions(request: FastifyRequest): Promise<number> {
  const s = requireActiveSession(request)
  return deleteSubjectSessions(request.server.tollgate.db, s.realm, s.subjectId, s.idHash)
}

/**
 * Replaces the data of the request's session (pending sign-in state, a WebAuthn challenge).
 *
 * @example
 * ```ts
 * await saveSessionData(request, { challenge })
 * ```
 */
export async function saveSessionData(
  request: FastifyRequest,
  data: Record<string, unknown>,
): Promise<void> {
  const session = request.web.session
  if (!session) throw new PageError('SESSION_REQUIRED')
  await setWebSessionData(request.server.tollgate.db, session.idHash, data)
  session.data = data
}

/**
 * The signed-in person of the request, or SESSION_REQUIRED.
 *
 * @example
 * ```ts
 * const { tenantId, subjectId } = requireActiveSession(request)
 * ```
 */
export function requireActiveSession(request: FastifyRequest): ActiveSession {
  const s = request.web.session
  if (!s || s.stage !== 'active' || s.tenantId === null || s.subjectId === null) {
    throw new PageError('SESSION_REQUIRED')
  }
  return s as ActiveSession
}
