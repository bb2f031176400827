import { T } from '../lib/expr.js'
import type { Expr } from '../lib/expr.js'
import { authorisesBy } from '../lib/auth.js'
import type { CallEvent, Guard } from '../lib/interpret.js'
import type { Evidence, Finding } from '../types.js'
import type { DetectorContext } from './context.js'

// ERC-20 transfer / approve / transferFrom: how a flash loan is paid back.
const REPAY_SELECTORS = new Set(['0xa9059cbb', '0x095ea7b3', '0x23b872dd'])

function identityGated(guards: readonly Guard[]): boolean {
  return guards.some((g) => authorisesBy(g.cond, T.CALLER) || authorisesBy(g.cond, T.ORIGIN))
}

const COMPARISONS = new Set(['LT', 'GT', 'SLT', 'SGT'])

/**
 * Whether `cond` is a profit check: it uses a word returned by a call on this path other than
 * the swaps (a balance read back, before or after), or compares returned data with an amount
 * chosen without return data (the amount put in). Checks of the swaps' own return data against
 * constants, `returndatasize` or the free memory pointer are solc's ABI decoder, which reverts
 * on malformed output: no profit check.
 */
function isProfitCheck(cond: Expr, prior: readonly number[], swapPcs: Set<number>): boolean {
  const reads = new Set(prior.filter((pc) => !swapPcs.has(pc)))
  const seen = new Set<Expr>()
  const stack = [cond]
  while (stack.length > 0) {
    const e = stack.pop()!
    if (e.k !== 'op' || seen.has(e)) continue
    seen.add(e)
    if (e.op === 'RETURNED' && reads.has(e.pc)) return true
    if (COMPARISONS.has(e.op) && e.args.length === 2) {
      const [x, y] = e.args as [Expr, Expr]
      const returned = (v: Expr): boolean => (v.tags & T.RETDATA) !== 0
      const chosen = (v: Expr): boolean =>
        v.k === 'op' && !returned(v) && (v.tags & T.UNKNOWN) === 0
      if ((returned(x) && chosen(y)) || (returned(y) && chosen(x))) return true
    }
    stack.push(...e.args)
  }
  return false
}

function evidenceOf(call: CallEvent, reason: string): Evidence {
  return {
    pc: call.pc,
    opcode: call.opcode,
    reason: `${reason} (function ${call.fn})`,
    selector: call.fn,
  }
}

function mevFinding(title: string, severity: Finding['severity'], evidence: Evidence[]): Finding {
  return { detector: 'mev-pattern', title, severity, confidence: 'high', evidence }
}

/**
 * MEV-bot behaviour, read from what the contract's own paths do (outgoing calls and the
 * selectors in their call data), never from byte patterns: embedded creation code and the
 * contract's own entry points do not count, so an AMM or a router is not a bot.
 * - ETH paid to block.coinbase (builder payment);
 * - a flash-loan callback the contract implements that swaps on a DEX (and repays, when seen);
 * - swaps that only the operator can trigger, either across several venues or followed by a
 *   profit check that reverts the whole transaction.
 *
 * @example
 * ```ts
 * detectMev(ctx)
 * ```
 */
export function detectMev(ctx: DetectorContext): Finding[] {
  const { swapSelectors, flashLoanSelectors, minDistinctSwapSelectors } = ctx.rules.mev
  const { trace } = ctx
  const out: Finding[] = []
  const firstAt = new Map<number, CallEvent>()
  for (const c of trace.calls) if (!firstAt.has(c.pc)) firstAt.set(c.pc, c)
  const calls = [...firstAt.values()]
  const isSwap = (c: CallEvent): boolean =>
    c.selector !== undefined && swapSelectors[c.selector] !== undefined && c.opcode === 'CALL'

  const bribes = calls.filter(
    (c) =>
      c.opcode === 'CALL' &&
      (c.target.tags & T.COINBASE) !== 0 &&
      !(c.value.k === 'const' && c.value.v === 0n),
  )
  if (bribes.length > 0)
    out.push(
      mevFinding(
        'Pays the block builder (coinbase payment)',
        'medium',
        bribes.map((c) => evidenceOf(c, 'sends ETH to block.coinbase')),
      ),
    )

  // Flash-loan callbacks this contract implements, whose own paths swap and pay back.
  const flash: Evidence[] = []
  for (const fn of trace.functions) {
    const signature = flashLoanSelectors[fn]
    if (!signature) continue
    const own = calls.filter((c) => c.fn === fn)
    const swap = own.find(isSwap)
    const repay = own.find(
      (c) =>
        (c.selector !== undefined && REPAY_SELECTORS.has(c.selector)) ||
        !(c.value.k === 'const' && c.value.v === 0n),
    )
    // The pay-back is evidence when seen; a pool may also pull it with an allowance set
    // elsewhere, so a callback that swaps is enough.
    if (swap) {
      flash.push(
        evidenceOf(swap, `flash-loan callback ${fn} ${signature} swaps (${swap.selector ?? ''})`),
      )
      if (repay) flash.push(evidenceOf(repay, 'and pays the loan back'))
    }
  }
  if (flash.length > 0)
    out.push(
      mevFinding('Flash-loan funded DEX swaps (arbitrage / liquidation bot)', 'medium', flash),
    )

  // Operator-only swaps: across venues, or checked for profit with a revert.
  const gated = calls.filter((c) => isSwap(c) && identityGated(c.guards))
  const venues = new Set(gated.map((c) => c.selector))
  const swapPcs = new Set(gated.map((c) => c.pc))
  const profitCheck = trace.revertsAfterCall.find(
    (r) =>
      r.prior.some((pc) => swapPcs.has(pc)) &&
      r.guards.some((g) => !g.cond.rets.length && isProfitCheck(g.cond, r.prior, swapPcs)),
  )
  if (gated.length > 0 && (profitCheck || venues.size >= minDistinctSwapSelectors)) {
    const evidence = gated.map((c) =>
      evidenceOf(
        c,
        `operator-only DEX swap ${c.selector ?? ''} ${swapSelectors[c.selector ?? ''] ?? ''}`,
      ),
    )
    if (profitCheck)
      evidence.push({
        pc: profitCheck.pc,
        opcode: 'REVERT',
        reason: `reverts after the swaps unless balances read back show a profit (function ${profitCheck.fn})`,
      })
    out.push(mevFinding('Operator-only arbitrage swaps', 'low', evidence))
  }
  return out
}
