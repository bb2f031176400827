import { T } from './expr.js'
import type { Expr } from './expr.js'

const FULL = (1n << 256n) - 1n
// Struct members further than this from the entry's slot are not told apart.
const MAX_MEMBER = 0xffffn

/**
 * Storage "family" of a slot: a constant slot, or a mapping's base slot. A struct stored in a
 * mapping is read at `keccak(key, base) + member`; each member is its own family (member 0 is
 * the mapping's own family, which is how the optimizer folds `+ 0`).
 */
export function slotFamily(slot: Expr): string | undefined {
  if (slot.k === 'const') return `c:${slot.v.toString(16)}`
  if (slot.op === 'SHA3') {
    const base = slot.args[slot.args.length - 1]
    if (base?.k === 'const') return `m:${base.v.toString(16)}`
  }
  if (slot.op === 'ADD') {
    const [a, b] = slot.args
    const [member, entry] = a?.k === 'const' ? [a, b] : [b, a]
    if (member?.k !== 'const' || member.v > MAX_MEMBER || entry?.k !== 'op' || entry.op !== 'SHA3')
      return undefined
    const family = slotFamily(entry)
    return family && member.v > 0n ? `${family}+${member.v.toString(16)}` : family
  }
  return undefined
}

/** A storage read inside an expression: which family, and which bits of the word matter. */
export interface SlotRead {
  readonly family: string
  readonly mask: bigint
  /** The slot key depends on the sender (a role mapping keyed by msg.sender/tx.origin). */
  readonly bySender: boolean
}

function log2(v: bigint): number | undefined {
  if (v <= 0n || (v & (v - 1n)) !== 0n) return undefined
  return v.toString(2).length - 1
}

/**
 * Storage reads in `e` with the bit range each one contributes: solc reads a packed variable as
 * `AND(DIV(SLOAD(s), 2^k), mask)` or `AND(SHR(k, SLOAD(s)), mask)`, so an owner packed with a
 * flag is told apart from the flag.
 *
 * @example
 * ```ts
 * slotReads(cond) // [{ family: 'c:0', mask: 0xff..ff (160 bits), bySender: false }]
 * ```
 */
export function slotReads(e: Expr, mask = FULL, out: SlotRead[] = []): SlotRead[] {
  if (e.k !== 'op' || mask === 0n) return out
  const [a, b] = e.args
  if (e.op === 'SLOAD' && a) {
    const family = slotFamily(a)
    if (family) out.push({ family, mask, bySender: (a.tags & (T.CALLER | T.ORIGIN)) !== 0 })
    return out
  }
  if (e.op === 'AND' && a && b && (a.k === 'const' || b.k === 'const')) {
    const [m, x] = a.k === 'const' ? [a.v, b] : [b.k === 'const' ? b.v : FULL, a]
    return slotReads(x, mask & m, out)
  }
  if (e.op === 'DIV' && a && b?.k === 'const') {
    const k = log2(b.v)
    if (k !== undefined) return slotReads(a, (mask << BigInt(k)) & FULL, out)
  }
  if (e.op === 'SHR' && a?.k === 'const' && b && a.v < 256n) {
    return slotReads(b, (mask << a.v) & FULL, out)
  }
  for (const x of e.args) slotReads(x, FULL, out)
  return out
}

/** What an SSTORE changes: the bits it writes and the value that lands in them. */
export interface SlotWrite {
  readonly mask: bigint
  readonly value: Expr
}

function isLoadOf(e: Expr | undefined, slot: Expr): boolean {
  return e?.k === 'op' && e.op === 'SLOAD' && e.args[0] !== undefined && sameExpr(e.args[0], slot)
}

function sameExpr(a: Expr, b: Expr): boolean {
  if (a === b) return true
  if (a.k === 'const' || b.k === 'const')
    return a.k === b.k && a.k === 'const' && a.v === (b as typeof a).v
  if (a.op !== b.op || a.args.length !== b.args.length || a.op === 'OPAQUE') return false
  return a.args.every((x, i) => {
    const y = b.args[i]
    return y !== undefined && sameExpr(x, y)
  })
}

/**
 * The bits an SSTORE writes: solc updates a packed variable as
 * `OR(AND(SLOAD(s), keep), new)`, so only the bits outside `keep` change.
 */
export function slotWrite(slot: Expr, value: Expr): SlotWrite {
  if (value.k === 'op' && value.op === 'OR') {
    for (const [i, part] of value.args.entries()) {
      if (part.k !== 'op' || part.op !== 'AND') continue
      const [x, y] = part.args
      const keep =
        x?.k === 'const' && isLoadOf(y, slot)
          ? x.v
          : y?.k === 'const' && isLoadOf(x, slot)
            ? y.v
            : undefined
      if (keep === undefined) continue
      const rest = value.args[1 - i]
      if (rest) return { mask: ~keep & FULL, value: rest }
    }
  }
  return { mask: FULL, value }
}

/** Does the written value only restore what the slot already held (`owner = owner`)? */
export function writesBack(slot: Expr, value: Expr): boolean {
  const reads = slotReads(value)
  return (
    reads.length > 0 &&
    (value.tags & ~T.SLOAD) === 0 &&
    reads.every((r) => r.family === slotFamily(slot))
  )
}
