import { find } from './expr.js'
import type { Expr } from './expr.js'

/** Name of the code that runs before (or without) a selector match: dispatcher, fallback, receive. */
export const FALLBACK = 'fallback'

const MAX_SELECTOR = 0xffffffffn

function readsSelectorWord(e: Expr): boolean {
  return (
    find(
      e,
      (n) =>
        n.k === 'op' && n.op === 'CALLDATALOAD' && n.args[0]?.k === 'const' && n.args[0].v === 0n,
    ) !== undefined
  )
}

/**
 * The function selector a dispatcher branch tests: `EQ(PUSH4 sel, <selector read from the
 * first calldata word>)`, however the compiler extracted it (DIV, SHR, AND). Undefined for
 * any other condition.
 *
 * @example
 * ```ts
 * selectorTested(cond) // '0xa9059cbb'
 * ```
 */
export function selectorTested(cond: Expr): string | undefined {
  if (cond.k !== 'op' || cond.op !== 'EQ') return undefined
  const [a, b] = cond.args
  if (!a || !b) return undefined
  const [sel, other] = a.k === 'const' ? [a, b] : [b, a]
  if (sel.k !== 'const' || sel.v > MAX_SELECTOR || other.k !== 'op') return undefined
  if (!readsSelectorWord(other)) return undefined
  return `0x${sel.v.toString(16).padStart(8, '0')}`
}
