import { T, op } from './expr.js'
import type { Expr } from './expr.js'
import { linear } from './linear.js'

/** Words and selector heads at offsets from one base (a constant 0, or a symbolic pointer). */
export interface Region {
  readonly words: Map<bigint, Expr>
  /**
   * First four bytes at an offset, kept while later unaligned stores leave them alone: the
   * function selector of call data that solc builds as `mstore(p, sel)`, `mstore(p + 4, arg)`.
   */
  readonly heads: Map<bigint, bigint>
}

/**
 * Abstract memory of one path: 32-byte words at constant offsets, words at constant distances
 * from a few symbolic pointers (call data built at a free memory pointer that a dynamic-size
 * value moved), plus the sources of data written where the interpreter could not follow.
 * A word that was overwritten by anything the interpreter cannot model is forgotten, never
 * kept stale: a stale constant would fold a branch condition and prune a feasible path.
 */
export interface Memory extends Region {
  /** Tags of data written to memory at offsets the interpreter does not know. */
  taint: number
  /** Regions at symbolic bases, by base identity; at most MAX_REGIONS, newest last. */
  readonly sym: Map<string, Region>
}

// The free-memory pointer: solc never lets a copy or a call's output land on it.
export const FREE_MEMORY_POINTER = 0x40n
// Ranges longer than this are forgotten as a whole instead of word by word.
export const MAX_TRACKED_RANGE = 1024n
// Bounds of the symbolic part: a path keeps a few pointers with a few words each.
const MAX_REGIONS = 4
export const MAX_REGION_WORDS = 64
const LOW_224 = (1n << 224n) - 1n
// Call data longer than this many argument words is not kept on the event.
const MAX_CALL_ARGS = 8n

export function emptyMemory(): Memory {
  return { words: new Map(), taint: 0, heads: new Map(), sym: new Map() }
}

const cloneRegion = (r: Region): Region => ({ words: new Map(r.words), heads: new Map(r.heads) })

export function cloneMemory(m: Memory): Memory {
  const sym = new Map<string, Region>()
  for (const [k, r] of m.sym) sym.set(k, cloneRegion(r))
  return { words: new Map(m.words), taint: m.taint, heads: new Map(m.heads), sym }
}

export function forgetOverlapping(m: Region, start: bigint, end: bigint): void {
  for (const k of [...m.words.keys()]) if (k + 32n > start && k < end) m.words.delete(k)
  for (const k of [...m.heads.keys()]) if (k + 4n > start && k < end) m.heads.delete(k)
}

export function forgetAllBut(m: Memory, keep: bigint): void {
  for (const k of [...m.words.keys()]) if (k !== keep) m.words.delete(k)
  m.heads.clear()
  m.sym.clear()
}

// The region `off` points into and the offset within it. A write through one symbolic base may
// land anywhere in another, so the other symbolic regions are dropped when `writing`.
export function regionOf(m: Memory, off: Expr, writing: boolean): [Region, bigint] | undefined {
  if (off.k === 'const') return [m, off.v]
  // Nothing is kept at a symbolic base yet: a read needs no identity (the common case).
  if (!writing && m.sym.size === 0) return undefined
  const lin = linear(off)
  if (!lin) return undefined
  if (lin.key === '') return [m, lin.off]
  let r = m.sym.get(lin.key)
  if (writing) {
    for (const k of [...m.sym.keys()]) if (k !== lin.key) m.sym.delete(k)
    if (!r) {
      r = { words: new Map(), heads: new Map() }
      m.sym.set(lin.key, r)
      if (m.sym.size > MAX_REGIONS) m.sym.delete(m.sym.keys().next().value ?? '')
    }
  }
  return r && [r, lin.off]
}

// The selector a stored word puts in its first four bytes: a constant `sel << 224`, or solc
// 0.8's `or(and(mload(p), 2^224 - 1), sel << 224)` that keeps the bytes after it.
function headOf(val: Expr): bigint | undefined {
  const isHead = (v: bigint): boolean => v !== 0n && (v & LOW_224) === 0n
  if (val.k === 'const') return isHead(val.v) ? val.v >> 224n : undefined
  if (val.op !== 'OR') return undefined
  const [a, b] = val.args
  const [c, rest] = a?.k === 'const' ? [a, b] : [b, a]
  const keeps =
    rest?.k === 'op' &&
    rest.op === 'AND' &&
    rest.args.some((x) => x.k === 'const' && x.v === LOW_224)
  return c?.k === 'const' && keeps && isHead(c.v) ? c.v >> 224n : undefined
}

/** The 4-byte selector at the start of call data at `off`, when the interpreter knows it. */
export function selectorAt(m: Memory, off: Expr): string | undefined {
  const at = regionOf(m, off, false)
  const head = at?.[0].heads.get(at[1])
  return head === undefined ? undefined : `0x${head.toString(16).padStart(8, '0')}`
}

/**
 * The argument words of call data at `off` of `len` bytes (after the 4-byte selector), when
 * the length is a constant selector plus whole words. A word the interpreter does not know is
 * an unknown read of memory.
 */
export function callArgs(m: Memory, off: Expr, len: Expr, pc: number): Expr[] | undefined {
  const at = regionOf(m, off, false)
  if (!at || len.k !== 'const' || len.v < 4n) return undefined
  const n = (len.v - 4n) / 32n
  if ((len.v - 4n) % 32n !== 0n || n > MAX_CALL_ARGS) return undefined
  const [r, base] = at
  const out: Expr[] = []
  for (let i = 0n; i < n; i++)
    out.push(r.words.get(base + 4n + 32n * i) ?? op('MLOAD', [], pc, m.taint | T.UNKNOWN))
  return out
}

/** MSTORE: a word at a known offset replaces every word it overlaps. */
export function storeWord(m: Memory, off: Expr, val: Expr): void {
  const at = regionOf(m, off, true)
  if (!at) {
    if (off.k === 'op') m.sym.clear()
    return
  }
  const [r, o] = at
  forgetOverlapping(r, o, o + 32n)
  if (r !== m && r.words.size >= MAX_REGION_WORDS) return
  r.words.set(o, val)
  const head = headOf(val)
  if (head !== undefined) r.heads.set(o, head)
}

/** MSTORE8: forget the word(s) holding that byte. */
export function storeByte(m: Memory, off: Expr): void {
  const at = regionOf(m, off, true)
  if (at) forgetOverlapping(at[0], at[1], at[1] + 1n)
  else m.sym.clear()
}

/** MLOAD: the word stored there, or a fresh read carrying what unknown writes may have left. */
export function loadWord(m: Memory, off: Expr, pc: number): Expr {
  const at = regionOf(m, off, false)
  const hit = at?.[0].words.get(at[1])
  return hit ?? op('MLOAD', [off], pc, m.taint)
}
