import { NetworkError } from '../errors.js'

/** What a server answered to a revocation refresh. */
export type RevocationFetchResult =
  | { kind: 'unchanged' }
  | { kind: 'list'; jws: string; etag: string | undefined }
  | { kind: 'delta'; jws: string; etag: string | undefined }

/** The HTTP call the refresh needs: a GET with `If-None-Match` that reports 304 as such. */
export type ConditionalGet = (
  path: string,
  etag: string | undefined,
) => Promise<{ status: 304 } | { status: 200; body: unknown; etag: string | undefined }>

/**
 * Asks the server what changed in the issuer's revocation list: with a held `since` version a
 * signed delta (or the whole list when that is smaller), else the whole list; `etag` (of the
 * previous answer) turns an unchanged list into a bodiless 304.
 *
 * @example
 * ```ts
 * const r = await fetchRevocations(get, { tenant: 'ten_1', since: 41, etag: '"rd-41-41-k"' })
 * if (r.kind === 'delta') core.acceptRevocationDelta(r.jws, 'server')
 * ```
 */
export async function fetchRevocations(
  get: ConditionalGet,
  held: { tenant: string | undefined; since: number | undefined; etag: string | undefined },
): Promise<RevocationFetchResult> {
  const query = new URLSearchParams()
  if (held.tenant !== undefined) query.set('tenant', held.tenant)
  if (held.since !== undefined) query.set('since', String(held.since))
  const qs = query.toString()
  const res = await get(`/v1/revocations${qs === '' ? '' : `?${qs}`}`, held.etag)
  if (res.status === 304) return { kind: 'unchanged' }
  const body = res.body as { list?: unknown; delta?: unknown }
  if (typeof body.delta === 'string') return { kind: 'delta', jws: body.delta, etag: res.etag }
  if (typeof body.list === 'string') return { kind: 'list', jws: body.list, etag: res.etag }
  throw new NetworkError('Revocation answer carried no list')
}
