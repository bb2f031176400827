import { T, find } from '../lib/expr.js'
import type { Expr } from '../lib/expr.js'
import type { Guard } from '../lib/interpret.js'
import { isOriginCallerCheck } from '../lib/auth.js'
import { selectorTested } from '../lib/dispatch.js'
import { slotFamily, slotReads } from '../lib/slots.js'
import type { Evidence } from '../types.js'
import type { DetectorContext } from './context.js'
import { paysCaller } from './honeypot-paths.js'

// A branch that any caller passes on purpose: the dispatcher, the call data size, paying
// enough, or being an EOA. Anything else (a date, a secret) is a real condition.
function offeredToAnyone(g: Guard): boolean {
  const c = g.cond
  if (c.k !== 'op') return true
  if (selectorTested(c) || isOriginCallerCheck(c)) return true
  if ((c.tags & ~(T.CALLVALUE | T.SLOAD)) === 0 && (c.tags & T.CALLVALUE) !== 0) return true
  return find(c, (n) => n.k === 'op' && n.op === 'CALLDATASIZE') !== undefined
}

// Inheritance disorder: an open path stores the caller (or an address they pass) into a slot
// that nothing else ever uses: no sender check, no call, no branch, no other store reads it,
// so it only shows up as a public "owner". The balance payout meanwhile checks the sender
// against another slot.
export function decoyOwner(ctx: DetectorContext): Evidence[] {
  const { trace, auth } = ctx
  const used = new Set<string>()
  const use = (e: Expr): void => {
    for (const r of slotReads(e)) used.add(r.family)
  }
  for (const j of trace.jumpis) use(j.cond)
  for (const c of trace.calls) {
    use(c.target)
    use(c.value)
  }
  for (const s of trace.sstores) {
    const own = slotFamily(s.slot)
    for (const r of slotReads(s.value)) if (r.family !== own) used.add(r.family)
    use(s.slot)
  }
  // The owner's withdrawal: ETH to the sender behind a sender check, any amount but the
  // sender's own balance entry.
  const guarded = trace.calls.find(
    (c) =>
      paysCaller(c) &&
      !slotReads(c.value).some((r) => r.bySender) &&
      auth.authGuard(c.guards) !== undefined,
  )
  if (!guarded) return []
  const write = trace.sstores.find((s) => {
    const f = slotFamily(s.slot)
    return (
      f !== undefined &&
      f.startsWith('c:') &&
      !used.has(f) &&
      (s.value.tags & T.CALLER) !== 0 &&
      (s.value.tags & ~(T.CALLER | T.SLOAD)) === 0 &&
      s.guards.every(offeredToAnyone)
    )
  })
  if (!write) return []
  return [
    {
      pc: write.pc,
      opcode: 'SSTORE',
      reason: `an open path stores ${(write.value.tags & T.CALLER) !== 0 ? 'msg.sender' : 'a caller-chosen address'} into ${slotFamily(write.slot) ?? '?'}, which nothing reads (function ${write.fn})`,
    },
    {
      pc: guarded.pc,
      opcode: 'CALL',
      reason: `the payout checks the sender against another slot (function ${guarded.fn})`,
    },
  ]
}
