/** Counters of one {@link LruCache}, for /metrics. */
export interface LruStats {
  name: string
  size: number
  max: number
  hits: number
  misses: number
  evictions: number
  /** Bytes held, for caches bounded by bytes rather than entries. */
  bytes?: number
  /** Byte budget, for caches bounded by bytes. */
  maxBytes?: number
}

/**
 * A Map bounded to `max` entries that evicts the least recently used one. Every cache whose keys
 * come from outside input (tokens, tenant ids named in a key) must be one of these, so a flood of
 * distinct inputs costs evictions, never memory.
 *
 * @example
 * ```ts
 * const sets = new LruCache<string, KeySet>('signing_key_sets', 10_000)
 * sets.set(tenantId, keys)
 * sets.get(tenantId) // keys, now the most recently used
 * ```
 */
export class LruCache<K, V> {
  readonly name: string
  readonly max: number
  readonly #map = new Map<K, V>()
  #hits = 0
  #misses = 0
  #evictions = 0

  constructor(name: string, max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`LruCache ${name}: max must be >= 1`)
    this.name = name
    this.max = max
  }

  /** The value, marked most recently used; undefined on a miss. */
  get(key: K): V | undefined {
    const value = this.#map.get(key)
    if (value === undefined) {
      this.#misses += 1
      return undefined
    }
    // Map iterates in insertion order: re-inserting makes it the newest.
    this.#map.delete(key)
    this.#map.set(key, value)
    this.#hits += 1
    return value
  }

  /** Stores a value, evicting the least recently used entries beyond `max`. */
  set(key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    while (this.#map.size > this.max) {
      const oldest = this.#map.keys().next().value as K
      this.#map.delete(oldest)
      this.#evictions += 1
    }
  }

  /** The first key whose value matches (a linear scan; for rare operations such as revocation). */
  findKey(match: (value: V) => boolean): K | undefined {
    for (const [key, value] of this.#map) if (match(value)) return key
    return undefined
  }

  delete(key: K): boolean {
    return this.#map.delete(key)
  }

  clear(): void {
    this.#map.clear()
  }

  get size(): number {
    return this.#map.size
  }

  stats(): LruStats {
    return {
      name: this.name,
      size: this.#map.size,
      max: this.max,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    }
  }
}
