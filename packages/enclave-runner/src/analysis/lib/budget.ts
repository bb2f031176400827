import { op } from './expr.js'
import type { Expr } from './expr.js'

export interface InterpretLimits {
  /** Total instructions executed across all paths (a backstop for the whole analysis). */
  readonly maxSteps: number
  /**
   * How many times one block may be entered with a new abstract state, per external function
   * and per calling context (the return addresses on the stack). Past it the state is
   * widened once (loop counters become unknown) before paths are dropped.
   */
  readonly maxVisitsPerBlock: number
  /** Instructions one external function may execute over all its paths. Default: maxSteps / 4. */
  readonly maxStepsPerFunction?: number
}

interface BudgetState {
  stack: Expr[]
  guardTags: number
  fn: string
}

/** Extra entries into a block after its state was widened, before paths are dropped. */
const WIDENED_VISITS = 4
/** Return addresses (innermost first) that tell one call site of a helper from another. */
const CONTEXT_DEPTH = 3
const WIDE = op('WIDE', [])

/**
 * Per-function, per-call-site path budget of the interpreter. Shared compiler helpers (ABI
 * decoding, checked arithmetic) are entered from every function; counting their visits per
 * block over the whole contract let early functions use them up. Every path this drops is
 * recorded in `cut`, so the report can say which functions are incomplete.
 */
export function createBudget(
  limits: InterpretLimits,
  isJumpdest: (v: bigint) => boolean,
  cut: Set<string>,
): {
  admit(s: BudgetState, pc: number): boolean
  step(fn: string): boolean
} {
  const seen = new Set<string>()
  const visits = new Map<string, number>()
  const steps = new Map<string, number>()
  const perFunction = limits.maxStepsPerFunction ?? Math.ceil(limits.maxSteps / 4)

  const context = (stack: readonly Expr[]): string => {
    const out: string[] = []
    for (let i = stack.length - 1; i >= 0 && out.length < CONTEXT_DEPTH; i--) {
      const e = stack[i]
      if (e?.k === 'const' && isJumpdest(e.v)) out.push(e.v.toString(36))
    }
    return out.join('.')
  }
  const stateKey = (s: BudgetState, pc: number): string =>
    `${pc}|${s.fn}|${s.guardTags}|${s.stack.map((e) => (e.k === 'const' ? e.v.toString(36) : '_')).join(',')}`

  return {
    admit(s, pc) {
      const site = `${s.fn}|${pc}|${context(s.stack)}`
      const n = visits.get(site) ?? 0
      if (n >= limits.maxVisitsPerBlock + WIDENED_VISITS) {
        cut.add(s.fn)
        return false
      }
      if (n >= limits.maxVisitsPerBlock) {
        // Keep code addresses (return addresses, jump targets), forget the data constants
        // that made each pass look new (loop counters, offsets).
        s.stack = s.stack.map((e) => (e.k === 'const' && !isJumpdest(e.v) ? WIDE : e))
      }
      const key = stateKey(s, pc)
      if (seen.has(key)) return false
      seen.add(key)
      visits.set(site, n + 1)
      return true
    },
    step(fn) {
      const n = (steps.get(fn) ?? 0) + 1
      steps.set(fn, n)
      if (n <= perFunction) return true
      cut.add(fn)
      return false
    },
  }
}
