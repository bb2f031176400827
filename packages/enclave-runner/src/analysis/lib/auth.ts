import { T } from './expr.js'
import type { Expr } from './expr.js'
import type { Guard, SstoreEvent } from './interpret.js'

const COMPARES = new Set(['LT', 'GT', 'SLT', 'SGT', 'SUB'])

// A side of a comparison that is "just the sender" (CALLER or ORIGIN, possibly masked).
function onlyTag(e: Expr, tag: number): boolean {
  return e.tags === tag
}

/** `tx.origin == msg.sender` (the EOA check): not an authorisation by identity. */
export function isOriginCallerCheck(e: Expr): boolean {
  if (e.k !== 'op' || e.op !== 'EQ') return false
  const [a, b] = e.args
  if (!a || !b) return false
  return (
    (onlyTag(a, T.ORIGIN) && onlyTag(b, T.CALLER)) || (onlyTag(a, T.CALLER) && onlyTag(b, T.ORIGIN))
  )
}

/**
 * Does `cond` authorise by the identity in `who` (T.CALLER or T.ORIGIN)? True for an
 * equality between that identity and a stored/constant address, or for a boolean read of a
 * storage mapping keyed by it (role checks); false for balance comparisons and the EOA check.
 */
export function authorisesBy(cond: Expr, who: number, underCompare = false): boolean {
  if (cond.k !== 'op' || (cond.tags & who) === 0) return false
  if (isOriginCallerCheck(cond)) return false
  if (cond.op === 'EQ') {
    const [a, b] = cond.args
    if (a && b) {
      const other = onlyTag(a, who) ? b : onlyTag(b, who) ? a : undefined
      // Zero counts too: solc's deployedBytecode carries immutables as zero placeholders.
      if (other && (other.tags & (T.CALLER | T.ORIGIN)) === 0) return true
    }
  }
  if (cond.op === 'SLOAD') return !underCompare && (cond.tags & who) !== 0
  const compare = underCompare || COMPARES.has(cond.op)
  return cond.args.some((a) => authorisesBy(a, who, compare))
}

/** The first guard on a path that authorises by msg.sender or tx.origin, if any. */
export function authGuard(guards: readonly Guard[]): Guard | undefined {
  return guards.find((g) => authorisesBy(g.cond, T.CALLER) || authorisesBy(g.cond, T.ORIGIN))
}

/** Storage "family" of a slot: a constant slot, or a mapping's base slot. */
export function slotFamily(slot: Expr): string | undefined {
  if (slot.k === 'const') return `c:${slot.v.toString(16)}`
  if (slot.op === 'SHA3') {
    const base = slot.args[slot.args.length - 1]
    if (base?.k === 'const') return `m:${base.v.toString(16)}`
  }
  return undefined
}

function familiesRead(e: Expr, out: Set<string>): Set<string> {
  if (e.k === 'op') {
    if (e.op === 'SLOAD' && e.args[0]) {
      const f = slotFamily(e.args[0])
      if (f) out.add(f)
    }
    for (const a of e.args) familiesRead(a, out)
  }
  return out
}

/** Answers "is this path really authenticated?" using the whole trace. */
export interface AuthOracle {
  /** First guard that authorises by sender/origin against storage nobody else can write. */
  authGuard(guards: readonly Guard[]): Guard | undefined
  /** Unauthenticated SSTOREs to a slot family (anyone can write it). */
  openWrites(family: string): readonly SstoreEvent[]
}

/**
 * An owner check is only as strong as the owner slot: if any path without a sender check can
 * write it (`setOwner` left public), the check protects nothing. Writes in the constructor
 * are not in runtime code, so they never count as open.
 */
export function createAuthOracle(sstores: readonly SstoreEvent[]): AuthOracle {
  const open = new Map<string, SstoreEvent[]>()
  for (const s of sstores) {
    const f = slotFamily(s.slot)
    if (!f || authGuard(s.guards)) continue
    const list = open.get(f) ?? []
    list.push(s)
    open.set(f, list)
  }
  const effective = (g: Guard): boolean =>
    (authorisesBy(g.cond, T.CALLER) || authorisesBy(g.cond, T.ORIGIN)) &&
    [...familiesRead(g.cond, new Set())].every((f) => !open.has(f))
  return {
    authGuard: (guards) => guards.find(effective),
    openWrites: (family) => open.get(family) ?? [],
  }
}
