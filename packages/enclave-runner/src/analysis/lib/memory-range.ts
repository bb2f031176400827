import { T, op } from './expr.js'
import type { Expr } from './expr.js'
import { FREE_MEMORY_POINTER, MAX_REGION_WORDS, MAX_TRACKED_RANGE } from './memory.js'
import { forgetAllBut, forgetOverlapping, regionOf } from './memory.js'
import type { Memory } from './memory.js'

// Range operations on the abstract memory of one path (see memory.ts): copies, call outputs
// and hashing.

/**
 * A copy or a call's output of `len` bytes at `dest` with data of the given `tags`: words in
 * the range become reads of that source; a computed range forgets everything it may cover.
 */
export function writeRange(
  m: Memory,
  dest: Expr,
  len: Expr,
  source: string,
  tags: number,
  pc: number,
): void {
  if (len.k === 'const' && len.v === 0n) return
  if (dest.k !== 'const') {
    // Through a pointer: constant words may be hit too (all but the free memory pointer).
    m.taint |= tags
    for (const k of [...m.words.keys()]) if (k !== FREE_MEMORY_POINTER) m.words.delete(k)
    m.heads.clear()
  }
  const at = len.k === 'const' && len.v <= MAX_TRACKED_RANGE ? regionOf(m, dest, true) : undefined
  if (at && len.k === 'const') {
    const [r, o] = at
    forgetOverlapping(r, o, o + len.v)
    const word = op(source, [], pc, tags)
    for (let i = 0n; i + 32n <= len.v; i += 32n)
      if (r === m || r.words.size < MAX_REGION_WORDS) r.words.set(o + i, word)
    return
  }
  m.taint |= tags
  m.sym.clear()
  if (dest.k === 'const') forgetOverlapping(m, dest.v, 1n << 64n)
  else forgetAllBut(m, FREE_MEMORY_POINTER)
}

/**
 * MCOPY (solc 0.8 copies encoded call data into place with it): the words and selectors the
 * interpreter knows in the source range move with it; the rest of the range is unknown.
 */
export function copyRange(m: Memory, dest: Expr, src: Expr, len: Expr, pc: number): void {
  const from = regionOf(m, src, false)
  const moved: Array<[bigint, Expr]> = []
  const heads: Array<[bigint, bigint]> = []
  if (from && len.k === 'const' && len.v <= MAX_TRACKED_RANGE) {
    const [r, o] = from
    for (const [k, w] of r.words) if (k >= o && k + 32n <= o + len.v) moved.push([k - o, w])
    for (const [k, h] of r.heads) if (k >= o && k + 4n <= o + len.v) heads.push([k - o, h])
  }
  writeRange(m, dest, len, 'MCOPY', T.UNKNOWN, pc)
  const to = moved.length + heads.length > 0 ? regionOf(m, dest, true) : undefined
  if (!to) return
  const [r, o] = to
  for (const [k] of moved) r.words.delete(o + k)
  for (const [k, w] of moved) if (r === m || r.words.size < MAX_REGION_WORDS) r.words.set(o + k, w)
  for (const [k, h] of heads) r.heads.set(o + k, h)
}

/** SHA3 input words: tracked words for a constant range of up to four words, else opaque. */
export function hashInput(m: Memory, off: Expr, len: Expr, pc: number): Expr[] {
  const at =
    len.k === 'const' && len.v % 32n === 0n && len.v <= 128n ? regionOf(m, off, false) : undefined
  if (at && len.k === 'const') {
    const [r, o] = at
    const words: Expr[] = []
    for (let i = 0n; i < len.v; i += 32n)
      words.push(r.words.get(o + i) ?? op('MLOAD', [], pc, m.taint | T.UNKNOWN))
    return words
  }
  // Hashing a dynamic range (`keccak256(bytes)`): what it depends on is what memory holds.
  let tags = m.taint | T.UNKNOWN
  if (off.k === 'const') for (const [k, w] of m.words) if (k >= off.v) tags |= w.tags
  return [op('MEMRANGE', [], pc, tags)]
}
