import { fetchRevocations } from '../revocation/fetch-revocations.js'
import { MAX_REVOCATION_LIST_LENGTH } from '../revocation/types.js'
import type { ClientCore } from './core.js'
import type { Transport } from './transport.js'

/**
 * Refreshes the revocation list when due (offline use) or forced (to confirm an unsigned
 * refusal), conditionally on the last answer's ETag. Keeps what it learned in `state`:
 * `force` is cleared once a list or delta was accepted (or was unchanged).
 *
 * @example
 * ```ts
 * const state = { force: false, etag: undefined }
 * await refreshRevocations(core, transport, state)
 * ```
 */
export async function refreshRevocations(
  core: ClientCore,
  transport: Transport,
  state: { force: boolean; etag: string | undefined },
): Promise<void> {
  // Online clients learn revocations from their leases; the list is for offline use, or to
  // confirm an unsigned refusal (forced).
  const next = core.revocations?.nextUpdate ?? 0
  const due = core.opts.offlineRevocations === true && next <= Math.floor(core.opts.now() / 1000)
  if (!state.force && !due) return
  // A multi-tenant server keeps one list per issuer (tenant); ask for ours.
  const iss = core.license?.claims.iss
  const since = core.heldRevocations.sinceVersion
  const answer = await fetchRevocations(
    (path, etag) => transport.getConditional(path, etag, MAX_REVOCATION_LIST_LENGTH + 4096),
    {
      tenant: iss !== undefined && /^ten_[0-9a-z]+$/.test(iss) ? iss : undefined,
      since,
      etag: since === undefined ? undefined : state.etag,
    },
  )
  let ok = answer.kind === 'unchanged'
  if (answer.kind === 'list') ok = core.acceptRevocationList(answer.jws, 'server')
  if (answer.kind === 'delta') ok = core.acceptRevocationDelta(answer.jws, 'server')
  if (answer.kind !== 'unchanged') state.etag = ok ? answer.etag : undefined
  if (ok) state.force = false
}
