/** Longest accepted email address (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254

// Deliberately simple: one @, no spaces or control characters, a dot in the domain. Mail
// servers decide the rest; this only keeps garbage (NUL bytes, markup, huge strings) out.
const EMAIL = /^[^\s@\p{Cc}\p{Cf}<>"]+@[^\s@\p{Cc}\p{Cf}<>"]+\.[^\s@\p{Cc}\p{Cf}<>"]+$/u

/**
 * Normalises an email typed into the portal (trimmed, lower-cased), or returns undefined when
 * it is not an address. One person is one row whatever case they type.
 *
 * @example
 * ```ts
 * normalizeEmail('  Ops@Acme.TEST ') // 'ops@acme.test'
 * normalizeEmail('nope') // undefined
 * ```
 */
export function normalizeEmail(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined
  const email = raw.trim().toLowerCase()
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return undefined
  return EMAIL.test(email) ? email : undefined
}
