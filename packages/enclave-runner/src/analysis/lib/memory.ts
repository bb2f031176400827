import { T, op } from './expr.js'
import type { Expr } from './expr.js'

/**
 * Abstract memory of one path: 32-byte words at constant offsets, plus the sources of data
 * written where the interpreter could not follow (a copy or call to a computed offset).
 * A word that was overwritten by anything the interpreter cannot model is forgotten, never
 * kept stale: a stale constant would fold a branch condition and prune a feasible path.
 */
export interface Memory {
  readonly words: Map<bigint, Expr>
  /** Tags of data written to memory at offsets the interpreter does not know. */
  taint: number
  /**
   * First four bytes at an offset, kept while later unaligned stores leave them alone: the
   * function selector of call data that solc builds as `mstore(p, sel)`, `mstore(p + 4, arg)`.
   */
  readonly heads: Map<bigint, bigint>
}

// The free-memory pointer: solc never lets a copy or a call's output land on it.
const FREE_MEMORY_POINTER = 0x40n
// Ranges longer than this are forgotten as a whole instead of word by word.
const MAX_TRACKED_RANGE = 1024n

export function emptyMemory(): Memory {
  return { words: new Map(), taint: 0, heads: new Map() }
}

export function cloneMemory(m: Memory): Memory {
  return { words: new Map(m.words), taint: m.taint, heads: new Map(m.heads) }
}

function forgetOverlapping(m: Memory, start: bigint, end: bigint): void {
  for (const k of [...m.words.keys()]) if (k + 32n > start && k < end) m.words.delete(k)
  for (const k of [...m.heads.keys()]) if (k + 4n > start && k < end) m.heads.delete(k)
}

function forgetAllBut(m: Memory, keep: bigint): void {
  for (const k of [...m.words.keys()]) if (k !== keep) m.words.delete(k)
  m.heads.clear()
}

const LOW_224 = (1n << 224n) - 1n

/** The 4-byte selector at the start of call data at `off`, when the interpreter knows it. */
export function selectorAt(m: Memory, off: Expr): string | undefined {
  if (off.k !== 'const') return undefined
  const head = m.heads.get(off.v)
  return head === undefined ? undefined : `0x${head.toString(16).padStart(8, '0')}`
}

// Call data longer than this many argument words is not kept on the event.
const MAX_CALL_ARGS = 8n

/**
 * The argument words of call data at `off` of `len` bytes (after the 4-byte selector), when
 * both are constants and the length is a selector plus whole words. A word the interpreter
 * does not know is an unknown read of memory.
 */
export function callArgs(m: Memory, off: Expr, len: Expr, pc: number): Expr[] | undefined {
  if (off.k !== 'const' || len.k !== 'const' || len.v < 4n) return undefined
  const n = (len.v - 4n) / 32n
  if ((len.v - 4n) % 32n !== 0n || n > MAX_CALL_ARGS) return undefined
  const out: Expr[] = []
  for (let i = 0n; i < n; i++)
    out.push(m.words.get(off.v + 4n + 32n * i) ?? op('MLOAD', [], pc, m.taint | T.UNKNOWN))
  return out
}

/** MSTORE: a word at a constant offset replaces every word it overlaps. */
export function storeWord(m: Memory, off: Expr, val: Expr): void {
  if (off.k !== 'const') return
  forgetOverlapping(m, off.v, off.v + 32n)
  m.words.set(off.v, val)
  if (val.k === 'const' && val.v !== 0n && (val.v & LOW_224) === 0n)
    m.heads.set(off.v, val.v >> 224n)
}

/** MSTORE8: forget the word(s) holding that byte. */
export function storeByte(m: Memory, off: Expr): void {
  if (off.k === 'const') forgetOverlapping(m, off.v, off.v + 1n)
}

/** MLOAD: the word stored there, or a fresh read carrying what unknown writes may have left. */
export function loadWord(m: Memory, off: Expr, pc: number): Expr {
  if (off.k === 'const') {
    const hit = m.words.get(off.v)
    if (hit) return hit
  }
  return op('MLOAD', [off], pc, m.taint)
}

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
  if (dest.k === 'const' && len.k === 'const' && len.v <= MAX_TRACKED_RANGE) {
    forgetOverlapping(m, dest.v, dest.v + len.v)
    const word = op(source, [], pc, tags)
    for (let o = 0n; o + 32n <= len.v; o += 32n) m.words.set(dest.v + o, word)
    return
  }
  m.taint |= tags
  if (dest.k === 'const') forgetOverlapping(m, dest.v, 1n << 64n)
  else forgetAllBut(m, FREE_MEMORY_POINTER)
}

/** SHA3 input words: tracked words for a constant range of up to four words, else opaque. */
export function hashInput(m: Memory, off: Expr, len: Expr, pc: number): Expr[] {
  if (off.k === 'const' && len.k === 'const' && len.v % 32n === 0n && len.v <= 128n) {
    const words: Expr[] = []
    for (let o = 0n; o < len.v; o += 32n)
      words.push(m.words.get(off.v + o) ?? op('MLOAD', [], pc, m.taint | T.UNKNOWN))
    return words
  }
  // Hashing a dynamic range (`keccak256(bytes)`): what it depends on is what memory holds.
  let tags = m.taint | T.UNKNOWN
  if (off.k === 'const') for (const [k, w] of m.words) if (k >= off.v) tags |= w.tags
  return [op('MEMRANGE', [], pc, tags)]
}
