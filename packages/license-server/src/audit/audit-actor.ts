/**
 * Who performs a mutation, carried into every audit entry. Routes build it from the request
 * (`actorFromRequest`); jobs and webhooks build their own (`{ actor: 'stripe:evt_123' }`).
 */
export interface AuditActor {
  /** `key:<apiKeyId>`, `system`, `stripe:<eventId>`, ... */
  actor: string
  requestId?: string | null
  ip?: string | null
}

/** The actor for work the server does on its own (bootstrap, migrations, jobs). */
export const SYSTEM_ACTOR: AuditActor = { actor: 'system' }
