/**
 * Known admin scopes. `*` is everything; `<area>:write` implies `<area>:read`; `<area>:*` is
 * every scope of an area. Features add their scopes here.
 */
export const KNOWN_SCOPES = [
  'customers:read',
  'customers:write',
  'plans:read',
  'plans:write',
  'licenses:read',
  'licenses:write',
  'keys:admin',
  'audit:read',
  'fleet:read',
  'fleet:write',
  'billing:read',
  'billing:write',
  'portal:read',
  'portal:write',
  'portal:support',
] as const

/** Pattern a scope string must match (the JSON schema of api-key creation uses it). */
export const SCOPE_PATTERN = '^(\\*|[a-z][a-z-]*:(\\*|[a-z][a-z-]*))$'

/**
 * True when the granted scopes cover `needed`.
 *
 * @example
 * ```ts
 * hasScope(['licenses:write'], 'licenses:read') // true
 * ```
 */
export function hasScope(granted: readonly string[], needed: string): boolean {
  if (granted.includes('*') || granted.includes(needed)) return true
  const [area, verb] = needed.split(':')
  if (granted.includes(`${area}:*`)) return true
  return verb === 'read' && granted.includes(`${area}:write`)
}
