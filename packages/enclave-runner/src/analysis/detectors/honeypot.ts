import { T, find } from '../lib/expr.js'
import type { Expr } from '../lib/expr.js'
import type { CallEvent } from '../lib/interpret.js'
import { slotReads } from '../lib/slots.js'
import type { Evidence, Finding } from '../types.js'
import type { DetectorContext } from './context.js'
import { shiftedSelfCalls } from './honeypot-selfcall.js'
import { decoyOwner } from './honeypot-decoy.js'
import { BALANCE, gatesOf, outsiderWritable, payablePath, paysCaller } from './honeypot-paths.js'

const COMPARES = new Set(['LT', 'GT', 'SLT', 'SGT', 'EQ'])

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

// `for (var i = 0; i < 2 * msg.value; i++)`: `var` made `i` a uint8, so the loop never ends
// for any real amount and the payout after it is unreachable.
function narrowCounterVsValue(e: Expr): boolean {
  if (e.k === 'op' && e.op === 'ISZERO' && e.args[0]) return narrowCounterVsValue(e.args[0])
  if (e.k !== 'op' || !COMPARES.has(e.op)) return false
  const [a, b] = e.args
  const narrow = (x: Expr | undefined): boolean =>
    x?.k === 'op' &&
    x.op === 'AND' &&
    x.args.some((m) => m.k === 'const' && m.v < 0x10000n) &&
    x.args.some((m) => m.k === 'op' && (m.tags & T.CALLVALUE) === 0)
  return (
    (narrow(a) && ((b?.tags ?? 0) & T.CALLVALUE) !== 0) ||
    (narrow(b) && ((a?.tags ?? 0) & T.CALLVALUE) !== 0)
  )
}

// Storage compared with the hash of caller-supplied data: a "password" whose preimage was
// public the moment someone stored it, so a payout behind it is either free for all or bait.
function secretCheck(e: Expr): boolean {
  return (
    (e.tags & T.SLOAD) !== 0 &&
    find(e, (n) => n.k === 'op' && n.op === 'SHA3' && (n.tags & T.CALLDATA) !== 0) !== undefined
  )
}

function finding(title: string, confidence: Finding['confidence'], evidence: Evidence[]): Finding {
  // A trap for whoever takes the bait: high when the compiled code makes it certain.
  const severity = confidence === 'high' ? 'high' : 'medium'
  return { detector: 'honeypot-pattern', title, severity, confidence, evidence }
}

function where(call: CallEvent, reason: string): Evidence {
  return {
    pc: call.pc,
    opcode: 'CALL',
    reason: `${reason} (function ${call.fn})`,
    selector: call.fn,
  }
}

/**
 * Honeypots (HoneyBadger's families): a contract that looks like it gives its balance to
 * whoever pays, while the compiled code makes sure an outsider cannot collect. Each rule
 * names why the payout is out of an outsider's reach: a msg.value/balance comparison that
 * cannot hold (balance disorder); a condition on storage only the owner can set, which
 * they change before a victim's call lands (hidden state update, uninitialised struct); the
 * balance sent elsewhere first on the same path (hidden transfer); a public "owner" slot
 * that is not the one the withdrawal checks (inheritance disorder); a payout followed by a
 * call into a contract fixed at deployment that can revert it (straw man); a loop whose
 * narrow counter never reaches the bound (type deduction overflow).
 *
 * @example
 * ```ts
 * detectHoneypot(ctx)
 * ```
 */
export function detectHoneypot(ctx: DetectorContext): Finding[] {
  const { trace, auth } = ctx
  const out: Finding[] = []
  const seen = new Set<string>()
  const once = (rule: string, pc: number): boolean => {
    const key = `${rule}@${pc}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }

  const compares: Evidence[] = []
  const loops: Evidence[] = []
  for (const ev of trace.jumpis) {
    if (valueBalanceCompare(ev.cond) && once('cmp', ev.pc))
      compares.push({
        pc: ev.pc,
        opcode: 'JUMPI',
        reason: 'branch compares msg.value with the contract balance',
      })
    if (narrowCounterVsValue(ev.cond) && once('loop', ev.pc))
      loops.push({
        pc: ev.pc,
        opcode: 'JUMPI',
        reason: 'loop bound from msg.value compared with a narrow (uint8/uint16) counter',
      })
  }
  if (compares.length > 0)
    out.push(finding('Payout condition compares msg.value with the balance', 'high', compares))

  const open = outsiderWritable(trace.sstores)
  const callAt = new Map<number, CallEvent>()
  for (const c of trace.calls) if (!callAt.has(c.pc)) callAt.set(c.pc, c)
  const bait: Evidence[] = []
  const drained: Evidence[] = []
  const strawMen: Evidence[] = []
  for (const call of trace.calls) {
    if (paysCaller(call) && (call.value.tags & BALANCE) !== 0 && !auth.authGuard(call.guards)) {
      if (payablePath(call.guards)) {
        const gates = gatesOf(call.guards, trace.sstores, open)
        const locked =
          gates.find((g) => g.writers !== 'outsider') ??
          gates.find((g) => secretCheck(g.guard.cond))
        if (locked && once('bait', call.pc))
          bait.push(
            where(
              call,
              `pays the balance to msg.sender when storage ${locked.family} allows it (checked at pc ${locked.guard.pc}); ${locked.writers === 'nobody' ? 'no runtime code writes it' : locked.writers === 'privileged' ? 'only privileged code writes it' : "it holds a hash whose preimage the setter revealed on-chain, and it can be changed before a victim's call lands"}`,
            ),
          )
      }
      const first = call.prior
        .map((pc) => callAt.get(pc))
        .find((c) => c && !paysCaller(c) && !(c.value.k === 'const' && c.value.v === 0n))
      if (first && once('drain', call.pc))
        drained.push(
          { pc: first.pc, opcode: 'CALL', reason: 'sends ETH to another address first' },
          where(call, 'then pays msg.sender "the balance", which is gone by then'),
        )
    }
    // A call into a contract the deployer chose, after the caller was paid on the same path:
    // its code is not in this bytecode and can revert the payout for anyone but the owner.
    if (
      call.opcode === 'CALL' &&
      call.value.k === 'const' &&
      call.value.v === 0n &&
      (call.target.tags & (T.CALLER | T.ORIGIN | T.CALLDATA)) === 0 &&
      // Set at deployment: a storage slot (checked below) or an immutable / constant.
      (call.target.k === 'const' || (call.target.tags & T.SLOAD) !== 0) &&
      call.prior.some((pc) => {
        const p = callAt.get(pc)
        return p !== undefined && paysCaller(p) && !auth.authGuard(p.guards)
      }) &&
      slotReads(call.target).every((r) => !auth.isOpen(r.family, r.mask)) &&
      once('straw', call.pc)
    )
      strawMen.push(
        where(
          call,
          'after paying msg.sender, calls a contract set at deployment whose code can revert the payout',
        ),
      )
  }
  if (bait.length > 0)
    out.push(
      finding('Open payout of the balance, gated by state an outsider cannot set', 'medium', bait),
    )
  if (drained.length > 0)
    out.push(finding('Balance sent elsewhere before the advertised payout', 'high', drained))
  if (strawMen.length > 0)
    out.push(
      finding(
        'Payout can be reverted by an external contract fixed at deployment',
        'medium',
        strawMen,
      ),
    )
  if (loops.length > 0)
    out.push(finding('Payout behind a loop that cannot finish (narrow counter)', 'medium', loops))
  const decoy = decoyOwner(ctx)
  if (decoy.length > 0)
    out.push(
      finding('Anyone can become "owner", but the withdrawal checks another slot', 'medium', decoy),
    )
  const shifted = shiftedSelfCalls(ctx)
  if (shifted.length > 0)
    out.push(
      finding('Self-call whose shifted arguments pay the owner, not the sender', 'high', shifted),
    )
  return out
}
