import { MAX_CHAIN_LINKS, signKeySet } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import { LruCache } from '../lib/lru-cache.js'
import { unsealSigningKey } from './get-active-signing-key.js'
import { listSigningKeys } from './signing-key.repository.js'

/**
 * Signed links by (signer kid, successor kid). A link is deterministic (Ed25519, fixed claims)
 * and kids are key thumbprints, so a cached link never goes stale; bounded.
 */
const links = new LruCache<string, string>('signing_key_chain_links', 10_000)

/**
 * The tenant's rotation chain, oldest first: each key (active or retired; deleted keys are gone,
 * and with them their links) vouches for the key created after it, with the successor's
 * creation time and `seq`. A client whose pinned key was retired walks it to the key that signs
 * the current set. Only the newest {@link MAX_CHAIN_LINKS} links are served.
 *
 * @example
 * ```ts
 * const chain = await keySetChain(db, tenantId, signingKeys.masterKey)
 * reply.send({ ...jwks, signatures, chain })
 * ```
 */
export async function keySetChain(db: Db, tenantId: string, masterKey: Buffer): Promise<string[]> {
  const rows = (await listSigningKeys(db, tenantId)).reverse() // oldest first
  const chain: string[] = []
  for (let i = Math.max(0, rows.length - 1 - MAX_CHAIN_LINKS); i < rows.length - 1; i++) {
    const from = rows[i]!
    const to = rows[i + 1]!
    const id = `${from.kid}>${to.kid}`
    let link = links.get(id)
    if (link === undefined) {
      link = signKeySet(
        { keys: [to.public_jwk] },
        unsealSigningKey(from, masterKey),
        to.created_at,
        Number(to.seq),
      )
      links.set(id, link)
    }
    chain.push(link)
  }
  return chain
}
