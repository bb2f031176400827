/**
 * One line of advice for the server error codes staff actually hit; the server's own message is
 * always shown first, as it is.
 */
export function hintFor(
  code: string | undefined,
  status: number,
  retryAfter?: string,
): string | undefined {
  switch (code) {
    case 'UNAUTHORIZED':
    case 'INVALID_API_KEY':
    case 'API_KEY_REVOKED':
      return 'Check the API key: run `tollgate login` again or set TOLLGATE_API_KEY'
    case 'FORBIDDEN':
    case 'INSUFFICIENT_SCOPE':
      return 'This API key lacks the scope; create one with `tollgate apikey create --scope ...`'
    case 'NOT_FOUND':
      return 'Check the id (list them with the matching `list` command); objects of another tenant are not visible'
    case 'RATE_LIMITED':
      return retryAfter ? `Rate limited: retry in ${retryAfter} s` : 'Rate limited: retry later'
    case 'VALIDATION_FAILED':
      return 'The server rejected a value; check the flags against `--help`'
    case 'INVALID_STATE_TRANSITION':
      return 'Check the current status with `tollgate license show <id>`'
    case 'CUSTOMER_HAS_LICENSES':
      return 'Revoke or move its licenses first (`tollgate license list --customer <id>`)'
    case 'PLAN_IN_USE':
      return 'Licenses still use this plan (`tollgate license list --plan <id>`)'
    case 'LAST_SIGNING_KEY':
      return 'Rotate first (`tollgate keys rotate`), then retire the old key'
    case 'SIGNING_KEY_IN_USE':
      return 'Retire the key first (`tollgate keys retire <kid>`); licenses it signed stop verifying once removed'
    case 'INVALID_LICENSE_KEY':
      return 'Check the license key (--key or TOLLGATE_LICENSE): it does not verify on this server'
    case 'NOT_ENTITLED':
      return 'The license lacks analysis:<type>; add it to the license (or plan) and re-issue the key'
    case 'LICENSE_REVOKED':
    case 'LICENSE_SUSPENDED':
    case 'LICENSE_EXPIRED':
      return 'Check the license with `tollgate license show <id>`'
    case 'ANALYSIS_BUSY':
      return retryAfter
        ? `The server is busy: retry in ${retryAfter} s`
        : 'The server is busy: retry shortly'
    case 'INVALID_CURSOR':
      return 'Pass the nextCursor of a previous page as --cursor, unchanged'
    default:
      break
  }
  if (status === 401) return 'Check the API key: run `tollgate login` again or set TOLLGATE_API_KEY'
  if (status === 403) return 'This API key lacks the scope for this command'
  if (status === 429)
    return retryAfter ? `Rate limited: retry in ${retryAfter} s` : 'Rate limited: retry later'
  if (status >= 500) return 'The server failed; check its logs (the request id is in the audit log)'
  return undefined
}
