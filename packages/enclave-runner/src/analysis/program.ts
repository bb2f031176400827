import { disassemble } from './disassemble.js'
import type { Disassembly } from './disassemble.js'
import { interpret } from './lib/interpret.js'
import type { InterpretLimits, Trace } from './lib/interpret.js'
import { extractSelectors } from './selectors.js'
import { createAuthOracle } from './lib/auth.js'
import type { AuthOracle } from './lib/auth.js'

/** What the detectors share about one bytecode: decoded code, explored paths, auth model. */
export interface Program {
  readonly disassembly: Disassembly
  readonly trace: Trace
  readonly selectors: readonly string[]
  readonly auth: AuthOracle
}

// The three analysis types of one contract are usually asked for in a row; exploring the
// paths is most of the cost, so the last few programs are kept. Bounded, keyed by the exact
// code and limits, and the entries are never mutated after they are built.
const CACHE_SIZE = 4
const cache = new Map<string, Program>()

/**
 * Disassemble and interpret `bytecode` under `limits`, reusing a recent result for the same
 * code and limits.
 *
 * @example
 * ```ts
 * const { trace } = loadProgram('0x6080...', DEFAULT_RULES.limits)
 * ```
 */
export function loadProgram(bytecode: string | Uint8Array, limits: InterpretLimits): Program {
  const code = typeof bytecode === 'string' ? bytecode : Buffer.from(bytecode).toString('hex')
  const key = `${limits.maxSteps}|${limits.maxVisitsPerBlock}|${limits.maxStepsPerFunction ?? ''}|${code}`
  const hit = cache.get(key)
  if (hit) {
    cache.delete(key)
    cache.set(key, hit)
    return hit
  }
  const disassembly = disassemble(bytecode)
  const trace = interpret(disassembly.instructions, limits)
  const program: Program = {
    disassembly,
    trace,
    selectors: extractSelectors(disassembly.instructions),
    auth: createAuthOracle(trace.sstores),
  }
  cache.set(key, program)
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value ?? '')
  return program
}
