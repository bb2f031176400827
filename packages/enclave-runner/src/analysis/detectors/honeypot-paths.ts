import { T } from '../lib/expr.js'
import type { Expr } from '../lib/expr.js'
import type { CallEvent, Guard, SstoreEvent } from '../lib/interpret.js'
import { selectorTested } from '../lib/dispatch.js'
import { slotFamily, slotReads, slotWrite, writesBack } from '../lib/slots.js'
import { authorisesBy } from '../lib/auth.js'

export const BALANCE = T.SELFBALANCE | T.BALANCE

function isCallvalueTest(e: Expr): boolean {
  return (
    e.k === 'op' &&
    (e.op === 'CALLVALUE' ||
      (e.op === 'ISZERO' && e.args[0]?.k === 'op' && e.args[0].op === 'CALLVALUE'))
  )
}

/** Can the path be entered with ETH attached? (solc rejects value in non-payable functions.) */
export function payablePath(guards: readonly Guard[]): boolean {
  return !guards.some(
    (g) =>
      g.cond.k === 'op' &&
      ((g.cond.op === 'CALLVALUE' && !g.taken) ||
        (g.cond.op === 'ISZERO' &&
          g.cond.args[0]?.k === 'op' &&
          g.cond.args[0].op === 'CALLVALUE' &&
          g.taken)),
  )
}

/** A CALL that sends ETH to msg.sender / tx.origin. */
export function paysCaller(call: CallEvent): boolean {
  return (
    call.opcode === 'CALL' &&
    !(call.value.k === 'const' && call.value.v === 0n) &&
    (call.target.tags & (T.CALLER | T.ORIGIN)) !== 0
  )
}

/** Who can set the storage a payout condition reads. */
export type GateWriters = 'nobody' | 'privileged' | 'outsider'

/** A guard on the path that reads storage, with the weakest control over what it reads. */
export interface Gate {
  readonly guard: Guard
  readonly family: string
  readonly writers: GateWriters
}

// The families a condition tests for being unset: `x == 0`, `!flag` (ISZERO), at any depth.
function zeroTested(e: Expr, out: Set<string> = new Set()): Set<string> {
  if (e.k !== 'op') return out
  const [a, b] = e.args
  const tested =
    e.op === 'ISZERO'
      ? a
      : e.op === 'EQ' && b?.k === 'const' && b.v === 0n
        ? a
        : e.op === 'EQ' && a?.k === 'const' && a.v === 0n
          ? b
          : undefined
  if (tested && tested.k === 'op' && (tested.tags & ~T.SLOAD) === 0)
    for (const r of slotReads(tested)) if (!r.bySender) out.add(r.family)
  for (const x of e.args) zeroTested(x, out)
  return out
}

// A path that first checks a slot is unset and then sets it (`if (hash == 0) hash = ...`):
// it runs once, and the deployer runs it when setting the contract up.
function onceOnly(w: SstoreEvent, all: readonly SstoreEvent[]): boolean {
  return w.guards.some((g) =>
    [...zeroTested(g.cond)].some((family) =>
      all.some(
        (o) =>
          o.fn === w.fn &&
          slotFamily(o.slot) === family &&
          !(o.value.k === 'const' && o.value.v === 0n) &&
          o.guards.some((og) => og.pc === g.pc),
      ),
    ),
  )
}

/**
 * Storage families an outsider can set to a value of their choosing, as a fixpoint: written on
 * a path that is neither a one-time setup nor behind a sender check, or behind a sender check
 * on a slot that an outsider can already set.
 */
export function outsiderWritable(sstores: readonly SstoreEvent[]): Set<string> {
  const open = new Set<string>()
  const pending = sstores.filter((w) => {
    const f = slotFamily(w.slot)
    return (
      f !== undefined &&
      !writesBack(w.slot, slotWrite(w.slot, w.value).value) &&
      !onceOnly(w, sstores)
    )
  })
  for (let changed = true; changed;) {
    changed = false
    for (const w of pending) {
      const f = slotFamily(w.slot) ?? ''
      if (open.has(f)) continue
      const checks = w.guards.filter(
        (g) => authorisesBy(g.cond, T.CALLER) || authorisesBy(g.cond, T.ORIGIN),
      )
      const defeated = checks.every((g) => slotReads(g.cond).some((r) => open.has(r.family)))
      if (defeated) {
        open.add(f)
        changed = true
      }
    }
  }
  return open
}

/**
 * Storage-reading conditions of a path (not the dispatcher, not the payable check, not the
 * caller's own mapping entry), classified by who can write what they read: nobody after
 * deployment, only privileged code (a sender check, or a one-time setup), or an outsider.
 */
export function gatesOf(
  guards: readonly Guard[],
  sstores: readonly SstoreEvent[],
  open: ReadonlySet<string>,
): Gate[] {
  const out: Gate[] = []
  for (const g of guards) {
    if ((g.cond.tags & T.SLOAD) === 0 || isCallvalueTest(g.cond) || selectorTested(g.cond)) continue
    for (const r of slotReads(g.cond)) {
      if (r.bySender) continue
      const written = sstores.some((w) => slotFamily(w.slot) === r.family)
      const writers: GateWriters = open.has(r.family)
        ? 'outsider'
        : written
          ? 'privileged'
          : 'nobody'
      out.push({ guard: g, family: r.family, writers })
    }
  }
  return out
}
