import type { Finding } from '../types.js'
import type { DetectorContext } from './context.js'

/**
 * A CALL / CALLCODE / DELEGATECALL whose success flag never reaches a branch, a store or
 * memory on any explored path (`addr.send(x);`, `addr.call(...)` with the bool ignored).
 *
 * @example
 * ```ts
 * detectUncheckedCall(ctx)
 * ```
 */
export function detectUncheckedCall(ctx: DetectorContext): Finding[] {
  const out: Finding[] = []
  const seen = new Set<number>()
  for (const ev of ctx.trace.calls) {
    if (ev.opcode === 'STATICCALL' || seen.has(ev.pc)) continue
    seen.add(ev.pc)
    if (ctx.trace.usedRets.has(ev.pc)) continue
    out.push({
      detector: 'unchecked-call',
      title: 'Return value of an external call is ignored',
      severity: 'medium',
      confidence: ctx.trace.complete ? 'high' : 'low',
      evidence: [
        {
          pc: ev.pc,
          opcode: ev.opcode,
          selector: ev.fn,
          reason: 'success flag is discarded; a failed call goes unnoticed',
        },
      ],
    })
  }
  return out
}
