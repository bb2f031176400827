import { T, constant, find } from '../lib/expr.js'
import type { Expr } from '../lib/expr.js'
import type { CallEvent } from '../lib/interpret.js'
import type { Evidence } from '../types.js'
import type { DetectorContext } from './context.js'

const SENDERS = T.CALLER | T.ORIGIN

function isSelf(target: Expr): boolean {
  return target.tags === 0 && find(target, (n) => n.k === 'op' && n.op === 'ADDRESS') !== undefined
}

// Which ABI argument (0-based) of its own call data an address was read from, if it is only that.
function argumentIndex(e: Expr): number | undefined {
  if (e.tags !== T.CALLDATA) return undefined
  const load = find(e, (n) => n.k === 'op' && n.op === 'CALLDATALOAD')
  const at = load?.k === 'op' ? load.args[0] : undefined
  if (at?.k !== 'const' || at.v < 4n || (at.v - 4n) % 32n !== 0n || at.v > 4n + 32n * 16n)
    return undefined
  return Number((at.v - 4n) / 32n)
}

function paysValue(c: CallEvent): boolean {
  return c.opcode === 'CALL' && !(c.value.k === 'const' && c.value.v === 0n)
}

/**
 * Skip empty string literal (HoneyBadger's family): solc up to 0.4.x drops an empty string
 * literal argument (`this.loggedTransfer(amount, "", msg.sender, owner)`) when it encodes an
 * external call, so the words after it move up one place and the call data is a word short.
 * The callee then pays the argument that was meant for the log (the owner) instead of the
 * sender the caller passed. Read from the compiled code: an open path calls this contract
 * with fewer argument words than the callee reads, passes the sender among them, and the
 * argument the callee pays ETH to is, in the call data actually sent, not the sender.
 *
 * @example
 * ```ts
 * shiftedSelfCalls(ctx) // [{ pc: 2603, opcode: 'CALL', reason: 'calls this contract ...' }, ...]
 * ```
 */
export function shiftedSelfCalls(ctx: DetectorContext): Evidence[] {
  const { trace, auth } = ctx
  const out: Evidence[] = []
  const seen = new Set<number>()
  for (const c of trace.calls) {
    const { selector, args } = c
    if (c.opcode !== 'CALL' || !selector || !args || seen.has(c.pc) || !isSelf(c.target)) continue
    const sent = 4n + 32n * BigInt(args.length)
    if ((trace.calldataEnd.get(selector) ?? 0n) <= sent) continue
    if (!args.some((a) => (a.tags & SENDERS) !== 0) || auth.authGuard(c.guards)) continue
    for (const payout of trace.calls) {
      if (payout.fn !== selector || !paysValue(payout)) continue
      const i = argumentIndex(payout.target)
      if (i === undefined) continue
      // Call data ends early: the callee reads zero past it (solc 0.4 does not check).
      const payee = args[i] ?? constant(0n)
      if ((payee.tags & SENDERS) !== 0) continue
      seen.add(c.pc)
      out.push(
        {
          pc: c.pc,
          opcode: 'CALL',
          reason: `calls this contract's ${selector} with ${args.length} argument words, fewer than it reads, passing msg.sender (function ${c.fn})`,
          selector: c.fn,
        },
        {
          pc: payout.pc,
          opcode: 'CALL',
          reason: `${selector} pays argument ${i}, which in that call data is not the sender (function ${selector})`,
          selector,
        },
      )
      break
    }
  }
  return out
}
