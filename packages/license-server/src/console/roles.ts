import { hasScope } from '../api-keys/scopes.js'

/** Staff roles, most to least powerful. */
export const STAFF_ROLES = ['owner', 'admin', 'support', 'sales', 'read-only'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]

/**
 * Each role as API scopes, checked with the API's own `hasScope`. Beyond the API's area scopes
 * the console uses three finer ones an API key may hold too: `licenses:status` (suspend,
 * reinstate), `licenses:revoke` and `staff:admin`; support may open customers' portals
 * (`portal:support`).
 */
export const ROLE_SCOPES: Record<StaffRole, readonly string[]> = {
  owner: ['*'],
  admin: ['*'],
  support: [
    'customers:read',
    'plans:read',
    'licenses:read',
    'licenses:status',
    'audit:read',
    'fleet:read',
    'fleet:write',
    'billing:read',
    'portal:support',
  ],
  sales: [
    'customers:write',
    'plans:read',
    'licenses:write',
    'audit:read',
    'fleet:read',
    'billing:read',
  ],
  'read-only': [
    'customers:read',
    'plans:read',
    'licenses:read',
    'audit:read',
    'fleet:read',
    'billing:read',
  ],
}

/**
 * Whether a role holds a scope.
 *
 * @example
 * ```ts
 * roleHasScope('support', 'licenses:status') // true
 * roleHasScope('read-only', 'licenses:revoke') // false
 * ```
 */
export function roleHasScope(role: StaffRole, scope: string): boolean {
  return hasScope(ROLE_SCOPES[role], scope)
}

/**
 * Which roles a staff member may grant: owners any, admins any but owner, others none.
 *
 * @example
 * ```ts
 * grantableRoles('admin') // ['admin', 'support', 'sales', 'read-only']
 * ```
 */
export function grantableRoles(role: StaffRole): readonly StaffRole[] {
  if (role === 'owner') return STAFF_ROLES
  if (role === 'admin') return STAFF_ROLES.filter((r) => r !== 'owner')
  return []
}

/**
 * Which roles an admin API key may grant (`tollgate staff invite`): a `*` key any (it can
 * already do everything an owner can), a `staff:admin` key any but owner, others none.
 *
 * @example
 * ```ts
 * grantableRolesForScopes(['staff:admin']) // ['admin', 'support', 'sales', 'read-only']
 * ```
 */
export function grantableRolesForScopes(scopes: readonly string[]): readonly StaffRole[] {
  if (scopes.includes('*')) return STAFF_ROLES
  if (hasScope(scopes, 'staff:admin')) return STAFF_ROLES.filter((r) => r !== 'owner')
  return []
}
