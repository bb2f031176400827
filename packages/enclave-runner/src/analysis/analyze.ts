import { loadProgram } from './program.js'
import { detectUnprotectedSelfdestruct } from './detectors/selfdestruct.js'
import { detectControlledDelegatecall } from './detectors/delegatecall.js'
import { detectTxOriginAuth } from './detectors/tx-origin.js'
import { detectUncheckedCall } from './detectors/unchecked-call.js'
import { detectMev } from './detectors/mev.js'
import { detectHoneypot } from './detectors/honeypot.js'
import type { DetectorContext } from './detectors/context.js'
import type { AnalysisRules, AnalysisType, Finding } from './types.js'

/** Version of the analysis engine code; the rules carry their own version. */
export const ENGINE_VERSION = '0.1.0'

/** Output of {@link analyzeBytecode}. */
export interface AnalysisReport {
  readonly findings: Finding[]
  readonly selectors: string[]
  /** False when any interpreter budget ran out: some paths were not explored. */
  readonly complete: boolean
  /** Functions (selectors, or `fallback`) whose exploration was cut short; empty when complete. */
  readonly incompleteFunctions: string[]
}

const DETECTORS: Record<AnalysisType, ReadonlyArray<(ctx: DetectorContext) => Finding[]>> = {
  vulnerability: [
    detectUnprotectedSelfdestruct,
    detectControlledDelegatecall,
    detectTxOriginAuth,
    detectUncheckedCall,
  ],
  mev: [detectMev],
  honeypot: [detectHoneypot],
}

/**
 * Analyse EVM runtime bytecode with the detectors of one analysis type. Pure and
 * deterministic: the same bytecode and rules give the same findings in the same order.
 *
 * @example
 * ```ts
 * const { findings } = analyzeBytecode('0x6080...', 'vulnerability', DEFAULT_RULES)
 * ```
 */
export function analyzeBytecode(
  bytecode: string | Uint8Array,
  type: AnalysisType,
  rules: AnalysisRules,
): AnalysisReport {
  const program = loadProgram(bytecode, rules.limits)
  const { trace, selectors } = program
  const ctx: DetectorContext = { ...program, rules }
  const findings = DETECTORS[type].flatMap((detect) => detect(ctx))
  findings.sort((a, b) =>
    a.detector < b.detector
      ? -1
      : a.detector > b.detector
        ? 1
        : (a.evidence[0]?.pc ?? 0) - (b.evidence[0]?.pc ?? 0),
  )
  return {
    findings,
    selectors: [...selectors],
    complete: trace.complete,
    incompleteFunctions: [...trace.cut].sort(),
  }
}
