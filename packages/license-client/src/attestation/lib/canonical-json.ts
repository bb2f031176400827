import { AttestationError } from '../errors.js'

/**
 * Canonical JSON (the RFC 8785 / JCS rules for the values results use): object keys sorted by
 * UTF-16 code units, no whitespace, `undefined` members dropped, numbers as ECMAScript prints
 * them. Signer and verifier both serialise through this, so a re-ordered object still verifies.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value))
        throw new AttestationError('RESULT_MALFORMED', 'non-finite number in canonical JSON')
      return JSON.stringify(value)
    case 'object': {
      if (Array.isArray(value))
        return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
    }
    default:
      throw new AttestationError('RESULT_MALFORMED', `cannot canonicalise a ${typeof value}`)
  }
}
