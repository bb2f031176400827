import { createHash } from 'node:crypto'
import type { LruStats } from '../lib/lru-cache.js'

/** What a successful signature check established about a token (see `recallVerified`). */
export interface VerifiedToken {
  tenantId: string
  kid: string
  licenseId: string
  /** The plan tier the token names (fleet rate limits). */
  tier: string
  /** Unix seconds. */
  nbf: number
}

/** Default byte budget: 64 MiB, exactly 1,048,576 keys (a 1M-key fleet). */
export const DEFAULT_VERIFIED_MEMO_BYTES = 64 * 1024 * 1024

/** Longest license id stored (ASCII; ids are 28 characters); longer ones are not remembered. */
const LID_MAX = 32
/** Digest words (4 × 32 bits: a 128-bit SHA-256 prefix). */
const W = 4
/** Bytes of one slot: digest, nbf, context, reference bit, id length and id. */
const SLOT_BYTES = W * 4 + 4 + 2 + 1 + 1 + LID_MAX
/** Distinct (tenant, kid, tier) triples kept; beyond that the memo starts over. */
const MAX_CONTEXTS = 65_536
const FIRST_CAPACITY = 1024

interface Context {
  tenantId: string
  kid: string
  tier: string
}

/**
 * Remembers which token strings verified, bounded by bytes, not entries: each key is a 56-byte
 * slot in typed arrays (a 128-bit SHA-256 prefix of the token, the license id, `nbf` and an
 * index into the few (tenant, kid, tier) triples) plus 4–8 bytes of open-addressing index, so
 * the default 64 MiB (`VERIFIED_MEMO_MB`) holds 1,048,576 keys with no per-key JS objects for
 * the garbage collector to walk. The arrays grow by doubling up to the budget; beyond it a
 * CLOCK sweep (second chance, an approximation of least recently used) picks the key to drop.
 * A collision needs a second preimage of SHA-256.
 *
 * @example
 * ```ts
 * const memo = new VerifiedTokenMemo(64 * 1024 * 1024)
 * memo.remember(token, { tenantId, kid, licenseId, tier, nbf })
 * memo.recall(token)?.licenseId
 * memo.stats().bytes // <= 64 MiB
 * ```
 */
export class VerifiedTokenMemo {
  /** Byte budget of the arrays. */
  readonly maxBytes: number
  /** Most keys the budget holds. */
  readonly capacity: number
  #cap = 0
  #digests = new Uint32Array(0)
  #nbf = new Uint32Array(0)
  #ctx = new Uint16Array(0)
  #ref = new Uint8Array(0)
  #lidLen = new Uint8Array(0)
  #lids = new Uint8Array(0)
  #index = new Int32Array(0)
  #mask = 0
  #size = 0
  #hand = 0
  #contexts: Context[] = []
  #contextIds = new Map<string, number>()
  hits = 0
  misses = 0
  evictions = 0

  constructor(maxBytes: number = DEFAULT_VERIFIED_MEMO_BYTES) {
    this.maxBytes = Math.max(0, Math.floor(maxBytes))
    // The largest slot count whose arrays fit the budget (bytesFor only grows with it).
    let lo = 0
    let hi = Math.floor(this.maxBytes / SLOT_BYTES)
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2)
      if (bytesFor(mid) <= this.maxBytes) lo = mid
      else hi = mid - 1
    }
    this.capacity = lo
  }

  get size(): number {
    return this.#size
  }

  /** Bytes held by the arrays now (never above `maxBytes`). */
  get bytes(): number {
    return this.#cap === 0 ? 0 : bytesFor(this.#cap)
  }

  /** A remembered verification of exactly this token string, if any. */
  recall(token: string): VerifiedToken | undefined {
    const slot = this.#size === 0 ? -1 : this.#find(digest(token))
    if (slot < 0) {
      this.misses += 1
      return undefined
    }
    this.hits += 1
    this.#ref[slot] = 1
    const c = this.#contexts[this.#ctx[slot]!]!
    const at = slot * LID_MAX
    return {
      tenantId: c.tenantId,
      kid: c.kid,
      tier: c.tier,
      licenseId: Buffer.from(this.#lids.buffer, at, this.#lidLen[slot]).toString('latin1'),
      nbf: this.#nbf[slot]!,
    }
  }

  /** Remembers that `token` verified. */
  remember(token: string, info: VerifiedToken): void {
    const lid = Buffer.from(info.licenseId, 'latin1')
    if (
      this.capacity === 0 ||
      lid.length > LID_MAX ||
      lid.toString('latin1') !== info.licenseId ||
      !Number.isInteger(info.nbf) ||
      info.nbf < 0 ||
      info.nbf > 0xffffffff
    ) {
      return
    }
    const ctx = this.#contextId(info)
    const d = digest(token)
    let slot = this.#size === 0 ? -1 : this.#find(d)
    if (slot >= 0) this.#ref[slot] = 1
    else {
      if (this.#size >= this.#cap && this.#cap < this.capacity) this.#grow()
      if (this.#size < this.#cap) {
        slot = this.#size
        this.#size += 1
      } else {
        slot = this.#victim()
        this.#removeIndex(this.#bucketOf(slot))
        this.evictions += 1
      }
      this.#digests.set(d, slot * W)
      this.#insertIndex(slot)
      this.#ref[slot] = 0
    }
    this.#ctx[slot] = ctx
    this.#nbf[slot] = info.nbf
    this.#lidLen[slot] = lid.length
    this.#lids.set(lid, slot * LID_MAX)
  }

  /** Size, bytes and counters, in the shape of the other caches' stats (for /metrics). */
  stats(): LruStats {
    const { size, capacity: max, hits, misses, evictions, bytes, maxBytes } = this
    return { name: 'verified_tokens', size, max, hits, misses, evictions, bytes, maxBytes }
  }

  #contextId(info: VerifiedToken): number {
    const key = `${info.tenantId}\u0000${info.kid}\u0000${info.tier}`
    const known = this.#contextIds.get(key)
    if (known !== undefined) return known
    if (this.#contexts.length >= MAX_CONTEXTS) this.#clear()
    const id = this.#contexts.length
    this.#contexts.push({ tenantId: info.tenantId, kid: info.kid, tier: info.tier })
    this.#contextIds.set(key, id)
    return id
  }

  /** CLOCK: the first slot from the hand without its reference bit (clearing bits on the way). */
  #victim(): number {
    for (;;) {
      const slot = this.#hand
      this.#hand = (this.#hand + 1) % this.#cap
      if (this.#ref[slot] === 0) return slot
      this.#ref[slot] = 0
    }
  }

  #find(d: Uint32Array): number {
    const ds = this.#digests
    let b = d[0]! & this.#mask
    for (;;) {
      const slot = this.#index[b]!
      if (slot < 0) return -1
      const o = slot * W
      if (ds[o] === d[0] && ds[o + 1] === d[1] && ds[o + 2] === d[2] && ds[o + 3] === d[3]) {
        return slot
      }
      b = (b + 1) & this.#mask
    }
  }

  #bucketOf(slot: number): number {
    let b = this.#digests[slot * W]! & this.#mask
    while (this.#index[b] !== slot) b = (b + 1) & this.#mask
    return b
  }

  #insertIndex(slot: number): void {
    let b = this.#digests[slot * W]! & this.#mask
    while (this.#index[b]! >= 0) b = (b + 1) & this.#mask
    this.#index[b] = slot
  }

  /** Backward-shift deletion: linear probing chains stay unbroken without tombstones. */
  #removeIndex(bucket: number): void {
    const mask = this.#mask
    let hole = bucket
    let b = (bucket + 1) & mask
    for (;;) {
      const slot = this.#index[b]!
      if (slot < 0) break
      const home = this.#digests[slot * W]! & mask
      // It may fill the hole when its home is not cyclically within (hole, b].
      if (((b - home) & mask) >= ((b - hole) & mask)) {
        this.#index[hole] = slot
        hole = b
      }
      b = (b + 1) & mask
    }
    this.#index[hole] = -1
  }

  #grow(): void {
    const cap = Math.min(this.capacity, Math.max(FIRST_CAPACITY, this.#cap * 2))
    const n = this.#size
    this.#digests = copy(new Uint32Array(cap * W), this.#digests.subarray(0, n * W))
    this.#nbf = copy(new Uint32Array(cap), this.#nbf.subarray(0, n))
    this.#ctx = copy(new Uint16Array(cap), this.#ctx.subarray(0, n))
    this.#ref = copy(new Uint8Array(cap), this.#ref.subarray(0, n))
    this.#lidLen = copy(new Uint8Array(cap), this.#lidLen.subarray(0, n))
    this.#lids = copy(new Uint8Array(cap * LID_MAX), this.#lids.subarray(0, n * LID_MAX))
    this.#cap = cap
    const buckets = nextPow2(cap * 2)
    this.#index = new Int32Array(buckets).fill(-1)
    this.#mask = buckets - 1
    for (let s = 0; s < n; s++) this.#insertIndex(s)
  }

  /** Starts over (more (tenant, kid, tier) triples than a context id can name). */
  #clear(): void {
    this.#size = 0
    this.#hand = 0
    this.#cap = 0
    this.#index = new Int32Array(0)
    this.#contexts = []
    this.#contextIds.clear()
  }
}

function copy<T extends Uint32Array | Uint16Array | Uint8Array>(into: T, from: T): T {
  into.set(from)
  return into
}

function nextPow2(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}

/** Bytes of the arrays for `cap` slots. */
function bytesFor(cap: number): number {
  return cap * SLOT_BYTES + nextPow2(cap * 2) * 4
}

function digest(token: string): Uint32Array {
  const h = createHash('sha256').update(token).digest()
  return new Uint32Array(h.buffer.slice(h.byteOffset, h.byteOffset + W * 4))
}
