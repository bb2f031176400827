import { T } from './expr.js'
import type { Expr } from './expr.js'
import type { Guard } from './interpret.js'

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
  return (onlyTag(a, T.ORIGIN) && onlyTag(b, T.CALLER)) || (onlyTag(a, T.CALLER) && onlyTag(b, T.ORIGIN))
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
      if (other && (other.tags & (T.CALLER | T.ORIGIN)) === 0 && (other.k === 'const' ? other.v !== 0n : true)) return true
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
