import { T, find } from '../lib/expr.js'
import { authorisesBy } from '../lib/auth.js'
import type { Finding } from '../types.js'
import type { DetectorContext } from './context.js'

/**
 * A branch that authorises by tx.origin (compared with a stored or constant address, or used
 * as a role-mapping key). `tx.origin == msg.sender` (the EOA check) is not flagged.
 *
 * @example
 * ```ts
 * detectTxOriginAuth(ctx)
 * ```
 */
export function detectTxOriginAuth(ctx: DetectorContext): Finding[] {
  const flagged = new Map<number, Finding>()
  for (const ev of ctx.trace.jumpis) {
    if (flagged.has(ev.pc) || !authorisesBy(ev.cond, T.ORIGIN)) continue
    const origin = find(ev.cond, (n) => n.k === 'op' && n.op === 'ORIGIN')
    const originPc = origin?.k === 'op' ? origin.pc : ev.pc
    flagged.set(ev.pc, {
      detector: 'tx-origin-auth',
      title: 'Authorisation by tx.origin',
      severity: 'high',
      confidence: 'high',
      evidence: [
        { pc: originPc, opcode: 'ORIGIN', reason: 'tx.origin read', selector: ev.fn },
        {
          pc: ev.pc,
          opcode: 'JUMPI',
          selector: ev.fn,
          reason: 'branch decides access by tx.origin; a contract the owner calls can act as them',
        },
      ],
    })
  }
  return [...flagged.values()]
}
