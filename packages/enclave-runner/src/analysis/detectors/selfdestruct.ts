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
    // Critical only when an outsider can take the path on their own: a switch that only the
    // owner flips (`require(!locked)`) makes it a latent risk, not an open door.
    const switched = ctx.auth.ownerSwitch(ev.guards)
    flagged.set(ev.pc, {
      detector: 'unprotected-selfdestruct',
      title: switched
        ? 'Anyone can destroy the contract once the owner enables it'
        : 'Anyone can destroy the contract',
      severity: switched ? 'medium' : 'critical',
      confidence: ctx.trace.complete && !switched ? 'high' : 'medium',
      evidence: [
        {
          pc: ev.pc,
          opcode: 'SELFDESTRUCT',
          selector: ev.fn,
          reason: `reachable without a msg.sender/tx.origin check${toCaller ? '; beneficiary chosen by the caller' : ''}`,
        },
      ],
    })
  }
  return [...flagged.values()]
}
