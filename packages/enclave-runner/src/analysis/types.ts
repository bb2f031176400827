/** Analysis types a license can entitle (`analysis:<type>`). */
export type AnalysisType = 'vulnerability' | 'mev' | 'honeypot'

/** All analysis types, in a stable order. */
export const ANALYSIS_TYPES: readonly AnalysisType[] = ['vulnerability', 'mev', 'honeypot']

export type DetectorId =
  | 'unprotected-selfdestruct'
  | 'controlled-delegatecall'
  | 'tx-origin-auth'
  | 'unchecked-call'
  | 'mev-pattern'
  | 'honeypot-pattern'

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'
export type Confidence = 'high' | 'medium' | 'low'

/** Where and why: one instruction that supports a finding. */
export interface Evidence {
  readonly pc: number
  readonly opcode: string
  readonly reason: string
}

/** One detector hit. Only JSON-safe values (strings and integers) so it signs canonically. */
export interface Finding {
  readonly detector: DetectorId
  readonly title: string
  readonly severity: Severity
  readonly confidence: Confidence
  readonly evidence: readonly Evidence[]
}

/**
 * Data of the sealed analysis bundle: selector lists and thresholds. Data, never code: the
 * worker's code is measured (PCR0); this is measured separately (PCR2) and released by key.
 */
export interface AnalysisRules {
  readonly version: string
  readonly limits: {
    readonly maxSteps: number
    readonly maxVisitsPerBlock: number
    /** Instructions one external function may execute; default maxSteps / 4. */
    readonly maxStepsPerFunction?: number
  }
  readonly mev: {
    /** selector hex (`0x` + 8 hex) -> signature */
    readonly swapSelectors: Readonly<Record<string, string>>
    readonly flashLoanSelectors: Readonly<Record<string, string>>
    /** Distinct DEX swap selectors that alone mark a contract as an arbitrage bot. */
    readonly minDistinctSwapSelectors: number
  }
}
