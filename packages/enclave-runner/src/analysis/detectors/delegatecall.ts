import { T } from '../lib/expr.js'
import type { Expr } from '../lib/expr.js'
import { slotFamily } from '../lib/auth.js'
import type { Evidence, Finding } from '../types.js'
import type { DetectorContext } from './context.js'

// Storage slots the target is loaded from (a proxy's implementation slot).
function loadedSlots(e: Expr, out: string[] = []): string[] {
  if (e.k === 'op') {
    if (e.op === 'SLOAD' && e.args[0]) {
      const f = slotFamily(e.args[0])
      if (f) out.push(f)
    }
    for (const a of e.args) loadedSlots(a, out)
  }
  return out
}

/**
 * DELEGATECALL (or CALLCODE) to an address the caller controls, on a path with no effective
 * sender check: read from calldata, or loaded from storage that an unauthenticated path
 * writes with calldata (an upgrade function left public). The caller then runs arbitrary
 * code against this contract's storage. Proxies with guarded upgrades and constant libraries
 * are not flagged.
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
    if (flagged.has(ev.pc) || ctx.auth.authGuard(ev.guards)) continue
    const evidence: Evidence[] = []
    let confidence: Finding['confidence'] = 'high'
    if ((ev.target.tags & T.CALLDATA) !== 0) {
      evidence.push({
        pc: ev.pc,
        opcode: ev.opcode,
        selector: ev.fn,
        reason: 'target address is read from calldata; no sender check on the path',
      })
      if ((ev.target.tags & T.SLOAD) !== 0) confidence = 'medium'
    } else {
      for (const family of loadedSlots(ev.target)) {
        const writer = ctx.auth.openWrites(family).find((w) => (w.value.tags & T.CALLDATA) !== 0)
        if (!writer) continue
        evidence.push(
          {
            pc: writer.pc,
            opcode: 'SSTORE',
            selector: writer.fn,
            reason: `anyone can store a calldata address into slot ${family}`,
          },
          {
            pc: ev.pc,
            opcode: ev.opcode,
            reason: `target address is loaded from slot ${family}`,
            selector: ev.fn,
          },
        )
        break
      }
    }
    if (evidence.length === 0) continue
    const switched = ctx.auth.ownerSwitch(ev.guards)
    flagged.set(ev.pc, {
      detector: 'controlled-delegatecall',
      title: switched
        ? 'Delegatecall to a caller-supplied address once the owner enables it'
        : 'Delegatecall to a caller-supplied address',
      severity: switched ? 'medium' : 'critical',
      confidence: switched ? 'medium' : confidence,
      evidence,
    })
  }
  return [...flagged.values()]
}
