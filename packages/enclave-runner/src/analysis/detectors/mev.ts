import { T } from '../lib/expr.js'
import type { Evidence, Finding } from '../types.js'
import type { DetectorContext } from './context.js'

const LOW_224 = (1n << 224n) - 1n

// A selector appears as PUSH4 (dispatcher, or shifted into place) or as a left-aligned PUSH32.
function selectorOf(push: bigint, size: number): string | undefined {
  if (size === 4) return `0x${push.toString(16).padStart(8, '0')}`
  if (size === 32 && push !== 0n && (push & LOW_224) === 0n)
    return `0x${(push >> 224n).toString(16).padStart(8, '0')}`
  return undefined
}

/**
 * MEV-bot patterns: DEX swap plus flash-loan selectors, several distinct DEX swap selectors
 * (cross-venue arbitrage), or ETH paid to block.coinbase (builder bribes).
 *
 * @example
 * ```ts
 * detectMev(ctx)
 * ```
 */
export function detectMev(ctx: DetectorContext): Finding[] {
  const { swapSelectors, flashLoanSelectors, minDistinctSwapSelectors } = ctx.rules.mev
  const swaps = new Map<string, Evidence>()
  const flash = new Map<string, Evidence>()
  for (const ins of ctx.disassembly.instructions) {
    if (ins.push === undefined) continue
    const sel = selectorOf(ins.push, ins.byte - 0x5f)
    if (!sel) continue
    const swap = swapSelectors[sel]
    const loan = flashLoanSelectors[sel]
    if (swap && !swaps.has(sel))
      swaps.set(sel, { pc: ins.pc, opcode: ins.opcode, reason: `DEX swap selector ${sel} ${swap}` })
    if (loan && !flash.has(sel))
      flash.set(sel, {
        pc: ins.pc,
        opcode: ins.opcode,
        reason: `flash-loan selector ${sel} ${loan}`,
      })
  }
  const bribes: Evidence[] = []
  for (const ev of ctx.trace.calls) {
    if (ev.opcode !== 'CALL' || (ev.target.tags & T.COINBASE) === 0) continue
    if (ev.value.k === 'const' && ev.value.v === 0n) continue
    if (!bribes.some((b) => b.pc === ev.pc))
      bribes.push({
        pc: ev.pc,
        opcode: 'CALL',
        reason: 'sends ETH to block.coinbase (builder payment)',
      })
  }
  const out: Finding[] = []
  if (bribes.length > 0) {
    out.push({
      detector: 'mev-pattern',
      title: 'Pays the block builder (coinbase bribe)',
      severity: 'medium',
      confidence: 'high',
      evidence: [...bribes, ...swaps.values()],
    })
  }
  if (flash.size > 0 && swaps.size > 0) {
    out.push({
      detector: 'mev-pattern',
      title: 'Flash-loan funded DEX swaps (arbitrage / liquidation bot)',
      severity: 'medium',
      confidence: 'high',
      evidence: [...flash.values(), ...swaps.values()],
    })
  } else if (swaps.size >= minDistinctSwapSelectors) {
    out.push({
      detector: 'mev-pattern',
      title: 'Swaps across several DEX interfaces (arbitrage bot)',
      severity: 'low',
      confidence: 'medium',
      evidence: [...swaps.values()],
    })
  }
  return out
}
