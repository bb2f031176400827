import { T } from '../lib/expr.js'
import { authorisesBy } from '../lib/auth.js'
import type { CallEvent, Guard } from '../lib/interpret.js'
import type { Evidence, Finding } from '../types.js'
import type { DetectorContext } from './context.js'

// ERC-20 transfer / approve / transferFrom: how a flash loan is paid back.
const REPAY_SELECTORS = new Set(['0xa9059cbb', '0x095ea7b3', '0x23b872dd'])

function identityGated(guards: readonly Guard[]): boolean {
  return guards.some((g) => authorisesBy(g.cond, T.CALLER) || authorisesBy(g.cond, T.ORIGIN))
}

function evidenceOf(call: CallEvent, reason: string): Evidence {
  return { pc: call.pc, opcode: call.opcode, reason: `${reason} (function ${call.fn})` }
}

function mevFinding(title: string, severity: Finding['severity'], evidence: Evidence[]): Finding {
  return { detector: 'mev-pattern', title, severity, confidence: 'high', evidence }
}

/**
 * MEV-bot behaviour, read from what the contract's own paths do (outgoing calls and the
 * selectors in their call data), never from byte patterns: embedded creation code and the
 * contract's own entry points do not count, so an AMM or a router is not a bot.
 * - ETH paid to block.coinbase (builder payment);
 * - a flash-loan callback the contract implements that swaps on a DEX and repays;
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
    if (swap && repay)
      flash.push(
        evidenceOf(swap, `flash-loan callback ${fn} ${signature} swaps (${swap.selector ?? ''})`),
        evidenceOf(repay, 'and pays the loan back'),
      )
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
      r.guards.some((g) => (g.cond.tags & T.RETDATA) !== 0 && !g.cond.rets.length),
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
