import type { Disassembly } from '../disassemble.js'
import type { Trace } from '../lib/interpret.js'
import type { AuthOracle } from '../lib/auth.js'
import type { AnalysisRules } from '../types.js'

/** What every detector gets: the disassembly, the interpreter's trace, the sealed rules. */
export interface DetectorContext {
  readonly disassembly: Disassembly
  readonly trace: Trace
  readonly rules: AnalysisRules
  readonly selectors: readonly string[]
  readonly auth: AuthOracle
}
