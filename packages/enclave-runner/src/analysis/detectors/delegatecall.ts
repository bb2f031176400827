import { T } from '../lib/expr.js'
import { authGuard } from '../lib/auth.js'
import type { Finding } from '../types.js'
import type { DetectorContext } from './context.js'

/**
 * DELEGATECALL (or CALLCODE) whose target address comes from calldata, on a path with no
 * sender authorisation: the caller can run arbitrary code against this contract's storage.
 * A proxy reading its implementation from storage, or a constant library, is not flagged.
 *
 * @example
 * ```ts
 * detectControlledDelegatecall(ctx)
 * ```
 */
export function detectControlledDelegatecall(ctx: DetectorContext): Finding[] {
  const flagged = new Map<number, Finding>()
  for (const ev of ctx.trace.calls) {
    if (ev.opcode !== 'DELEGATECALL' && ev.opcode !== 'CALLCODE') continue
    if (flagged.has(ev.pc) || (ev.target.tags & T.CALLDATA) === 0 || authGuard(ev.guards)) continue
    flagged.set(ev.pc, {
      detector: 'controlled-delegatecall',
      title: 'Delegatecall to a caller-supplied address',
      severity: 'critical',
      confidence: (ev.target.tags & T.SLOAD) === 0 ? 'high' : 'medium',
      evidence: [{ pc: ev.pc, opcode: ev.opcode, reason: 'target address is read from calldata; no sender check on the path' }],
    })
  }
  return [...flagged.values()]
}
