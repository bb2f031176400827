import { T } from '../lib/expr.js'
import type { Finding } from '../types.js'
import type { DetectorContext } from './context.js'

/**
 * SELFDESTRUCT reachable on a path with no msg.sender / tx.origin authorisation.
 *
 * @example
 * ```ts
 * detectUnprotectedSelfdestruct(ctx) // [{ detector: 'unprotected-selfdestruct', ... }]
 * ```
 */
export function detectUnprotectedSelfdestruct(ctx: DetectorContext): Finding[] {
  const flagged = new Map<number, Finding>()
  for (const ev of ctx.trace.selfdestructs) {
    if (flagged.has(ev.pc) || ctx.auth.authGuard(ev.guards)) continue
    const toCaller = (ev.beneficiary.tags & (T.CALLER | T.CALLDATA)) !== 0
    flagged.set(ev.pc, {
      detector: 'unprotected-selfdestruct',
      title: 'Anyone can destroy the contract',
      severity: 'critical',
      confidence: ctx.trace.complete ? 'high' : 'medium',
      evidence: [
        {
          pc: ev.pc,
          opcode: 'SELFDESTRUCT',
          reason: `reachable without a msg.sender/tx.origin check${toCaller ? '; beneficiary chosen by the caller' : ''}`,
        },
      ],
    })
  }
  return [...flagged.values()]
}
