import type { Db } from '../db/database.js'
import { toJson } from '../lib/json.js'
import type { WebRealm, WebSessionRow, WebSessionStage } from './web-session.table.js'

/** What a new session row holds. */
export interface NewWebSession {
  idHash: string
  realm: WebRealm
  stage: WebSessionStage
  tenantId: string | null
  subjectId: string | null
  data: Record<string, unknown>
  now: Date
  idleMs: number
  maxMs: number
  ip: string | null
  userAgent: string | null
}

/**
 * Inserts a session row.
 *
 * @example
 * ```ts
 * await insertWebSession(db, { idHash, realm: 'staff', stage: 'active', ... })
 * ```
 */
export async function insertWebSession(db: Db, s: NewWebSession): Promise<void> {
  const expires = new Date(s.now.getTime() + s.maxMs)
  const idle = new Date(Math.min(s.now.getTime() + s.idleMs, expires.getTime()))
  await db
    .insertInto('web_sessions')
    .values({
      id_hash: s.idHash,
      realm: s.realm,
      stage: s.stage,
      tenant_id: s.tenantId,
      subject_id: s.subjectId,
      data: toJson(s.data),
      created_at: s.now,
      last_seen_at: s.now,
      idle_expires_at: idle,
      expires_at: expires,
      ip: s.ip,
      user_agent: s.userAgent,
    })
    .execute()
}

/**
 * The live session with this id hash in `realm` (not past its idle or absolute expiry).
 *
 * @example
 * ```ts
 * const row = await findLiveWebSession(db, idHash, 'staff', now)
 * ```
 */
export async function findLiveWebSession(
  db: Db,
  idHash: string,
  realm: WebRealm,
  now: Date,
): Promise<WebSessionRow | undefined> {
  return db
    .selectFrom('web_sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('realm', '=', realm)
    .where('expires_at', '>', now)
    .where('idle_expires_at', '>', now)
    .executeTakeFirst()
}

/**
 * Moves the idle expiry forward (never past the absolute expiry).
 *
 * @example
 * ```ts
 * await touchWebSession(db, row, now, idleMs)
 * ```
 */
export async function touchWebSession(
  db: Db,
  row: Pick<WebSessionRow, 'id_hash' | 'expires_at'>,
  now: Date,
  idleMs: number,
): Promise<Date> {
  const idle = new Date(Math.min(now.getTime() + idleMs, row.expires_at.getTime()))
  await db
    .updateTable('web_sessions')
    .set({ last_seen_at: now, idle_expires_at: idle })
    .where('id_hash', '=', row.id_hash)
    .execute()
  return idle
}

/**
 * Replaces a session's data (e.g. stores a WebAuthn challenge).
 *
 * @example
 * ```ts
 * await setWebSessionData(db, idHash, { challenge })
 * ```
 */
export async function setWebSessionData(
  db: Db,
  idHash: string,
  data: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('web_sessions')
    .set({ data: toJson(data) })
    .where('id_hash', '=', idHash)
    .execute()
}

/**
 * Deletes one session.
 *
 * @example
 * ```ts
 * await deleteWebSession(db, idHash)
 * ```
 */
export async function deleteWebSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute()
}

/**
 * Deletes every session of a person, except `keepIdHash` ("sign out other sessions", disabling
 * an account, a password change). Returns how many ended.
 *
 * @example
 * ```ts
 * await deleteSubjectSessions(db, 'staff', staffId, currentIdHash)
 * ```
 */
export async function deleteSubjectSessions(
  db: Db,
  realm: WebRealm,
  subjectId: string,
  keepIdHash?: string,
): Promise<number> {
  let q = db
    .deleteFrom('web_sessions')
    .where('realm', '=', realm)
    .where('subject_id', '=', subjectId)
  if (keepIdHash !== undefined) q = q.where('id_hash', '!=', keepIdHash)
  const res = await q.executeTakeFirst()
  return Number(res.numDeletedRows)
}

/**
 * The live active sessions of a person, newest first (for a "your sessions" list).
 *
 * @example
 * ```ts
 * const sessions = await listSubjectSessions(db, 'staff', staffId, now)
 * ```
 */
export async function listSubjectSessions(
  db: Db,
  realm: WebRealm,
  subjectId: string,
  now: Date,
): Promise<WebSessionRow[]> {
  return db
    .selectFrom('web_sessions')
    .selectAll()
    .where('realm', '=', realm)
    .where('subject_id', '=', subjectId)
    .where('stage', '=', 'active')
    .where('expires_at', '>', now)
    .where('idle_expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute()
}

/**
 * Deletes expired sessions and stale attempt counters (a periodic job; idempotent, so several
 * instances may run it).
 *
 * @example
 * ```ts
 * await purgeExpiredWebState(db, now, 24 * 3600_000)
 * ```
 */
export async function purgeExpiredWebState(
  db: Db,
  now: Date,
  attemptWindowMaxMs: number,
): Promise<void> {
  await db
    .deleteFrom('web_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('idle_expires_at', '<=', now)]))
    .execute()
  await db
    .deleteFrom('web_attempts')
    .where('window_start', '<', new Date(now.getTime() - attemptWindowMaxMs))
    .execute()
}
