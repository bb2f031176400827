import { T, keyOf } from '../lib/expr.js'
import type { Expr } from '../lib/expr.js'
import type { Evidence, Finding } from '../types.js'
import type { DetectorContext } from './context.js'

const COMPARES = new Set(['LT', 'GT', 'SLT', 'SGT', 'EQ'])
const BALANCE = T.SELFBALANCE | T.BALANCE

// msg.value compared against the contract's balance: during the call the balance already
// includes msg.value, so `msg.value >= balance` can never hold when it looks like it should.
function valueBalanceCompare(e: Expr): boolean {
  if (e.k !== 'op') return false
  if (COMPARES.has(e.op)) {
    const [a, b] = e.args
    if (a && b) {
      const av = (a.tags & T.CALLVALUE) !== 0 && (a.tags & BALANCE) === 0
      const bv = (b.tags & T.CALLVALUE) !== 0 && (b.tags & BALANCE) === 0
      if ((av && (b.tags & BALANCE) !== 0) || (bv && (a.tags & BALANCE) !== 0)) return true
    }
  }
  return e.args.some(valueBalanceCompare)
}

// Constant storage slots read by a condition (packed variables share a slot).
function slotsRead(e: Expr, out: Set<string>): Set<string> {
  if (e.k === 'op') {
    if (e.op === 'SLOAD' && e.args[0] && (e.args[0].tags & (T.CALLER | T.ORIGIN)) === 0)
      out.add(keyOf(e.args[0]))
    for (const a of e.args) slotsRead(a, out)
  }
  return out
}

/**
 * Honeypot patterns: msg.value compared with the contract balance, or a payout of the whole
 * balance to msg.sender that is open to anyone but gated by storage only the owner writes.
 *
 * @example
 * ```ts
 * detectHoneypot(ctx)
 * ```
 */
export function detectHoneypot(ctx: DetectorContext): Finding[] {
  const out: Finding[] = []
  const compares: Evidence[] = []
  for (const ev of ctx.trace.jumpis) {
    if (!compares.some((c) => c.pc === ev.pc) && valueBalanceCompare(ev.cond)) {
      compares.push({
        pc: ev.pc,
        opcode: 'JUMPI',
        reason: 'branch compares msg.value with the contract balance',
      })
    }
  }
  if (compares.length > 0) {
    out.push({
      detector: 'honeypot-pattern',
      title: 'Payout condition compares msg.value with the balance',
      severity: 'high',
      confidence: 'high',
      evidence: compares,
    })
  }
  const ownerOnly = (slot: string): boolean =>
    ctx.trace.sstores.every(
      (s) => keyOf(s.slot) !== slot || ctx.auth.authGuard(s.guards) !== undefined,
    )
  const gated: Evidence[] = []
  for (const call of ctx.trace.calls) {
    if (
      call.opcode !== 'CALL' ||
      (call.value.tags & BALANCE) === 0 ||
      (call.target.tags & T.CALLER) === 0
    )
      continue
    if (ctx.auth.authGuard(call.guards) || gated.some((g) => g.pc === call.pc)) continue
    const slots = new Set<string>()
    for (const g of call.guards) slotsRead(g.cond, slots)
    const locked = [...slots].find(ownerOnly)
    if (locked !== undefined) {
      gated.push({
        pc: call.pc,
        opcode: 'CALL',
        reason: `pays the balance to msg.sender only when storage slot ${locked} allows it; only the owner writes that slot`,
      })
    }
  }
  if (gated.length > 0) {
    out.push({
      detector: 'honeypot-pattern',
      title: 'Open withdrawal gated by owner-controlled storage',
      severity: 'high',
      confidence: 'medium',
      evidence: gated,
    })
  }
  return out
}
