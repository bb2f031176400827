import { AppError } from '../errors/app-error.js'

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
  'webhooks:read',
  'webhooks:write',
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

/**
 * Throws INSUFFICIENT_SCOPE unless a key holding `granted` may create or revoke a key holding
 * `target`: it must hold each of them (`*` only from `*`). A `keys:admin` key can thus never
 * revoke (or mint) an owner key.
 *
 * @example
 * ```ts
 * assertHoldsScopes(req.auth.scopes, target.scopes, 'revoke')
 * ```
 */
export function assertHoldsScopes(
  granted: readonly string[],
  target: readonly string[],
  action: 'grant' | 'revoke',
): void {
  for (const scope of target) {
    const allowed = scope === '*' ? granted.includes('*') : hasScope(granted, scope)
    if (!allowed) {
      const what = action === 'grant' ? `grant ${scope}` : `revoke a key with ${scope}`
      throw new AppError('INSUFFICIENT_SCOPE', `Cannot ${what}: this key lacks it`)
    }
  }
}
