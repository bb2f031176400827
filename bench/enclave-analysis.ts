// bench/enclave-analysis: time `analyzeBytecode` (all three analysis types per contract) over the
// evm-bench development set in ../shared/evm-bench, and print the median / p99 per contract.
// Skips with a printed reason when the data set is not there (a fresh clone has no ../shared).
//
// Run: npx pnpm@10 bench:enclave [--limit N]
//
// The in-run reference is the time to disassemble the same contracts (a pass over every byte),
// so the "analysis / disassembly" ratio is comparable across machines and load. The absolute
// baseline (the engine before issue 14, same machine) is printed beside today's figures.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import {
  ANALYSIS_TYPES,
  DEFAULT_RULES,
  analyzeBytecode,
  disassemble,
} from '@tollgate/enclave-runner'

// Measured on this (loaded, shared) machine with the engine at 11a3eae, before issue 14, same
// script. `medianOverDisasm` is the load-independent figure the median target is checked on.
const BASELINE = { medianMs: 25.1, p99Ms: 316, medianOverDisasm: 81 }
const TARGET = { medianRatio: 3, p99Ms: 1000 }

interface Sample {
  id: string
  bytecode: string
  duplicateOf?: string
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dataFile = join(root, '..', 'shared', 'evm-bench', 'samples.jsonl.gz')
if (!existsSync(dataFile)) {
  console.log(
    `bench:enclave skipped: ${dataFile} not found (the evm-bench data set is not shared here)`,
  )
  process.exit(0)
}
const limitArg = process.argv.indexOf('--limit')
const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : Infinity
const samples = gunzipSync(readFileSync(dataFile))
  .toString('utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Sample)
  .filter((s) => !s.duplicateOf)
  .slice(0, limit)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0
}

// Warm up the JIT on a slice, so the first contracts do not carry compilation time.
for (const s of samples.slice(0, 20))
  for (const t of ANALYSIS_TYPES) analyzeBytecode(s.bytecode, t, DEFAULT_RULES)

const times: Array<{ id: string; ms: number }> = []
let incomplete = 0
const disasm: number[] = []
for (const s of samples) {
  const d0 = performance.now()
  disassemble(s.bytecode)
  disasm.push(performance.now() - d0)
  const t0 = performance.now()
  for (const t of ANALYSIS_TYPES) {
    if (!analyzeBytecode(s.bytecode, t, DEFAULT_RULES).complete) incomplete++
  }
  times.push({ id: s.id, ms: performance.now() - t0 })
}
const sorted = times.map((t) => t.ms).sort((a, b) => a - b)
const median = percentile(sorted, 0.5)
const p99 = percentile(sorted, 0.99)
const disasmMedian = percentile(
  disasm.sort((a, b) => a - b),
  0.5,
)
const medianOverDisasm = median / Math.max(disasmMedian, 1e-9)
console.log(
  `analyzeBytecode x ${ANALYSIS_TYPES.length} types over ${samples.length} samples (${dataFile})`,
)
console.log(
  `  per contract: median ${median.toFixed(2)} ms, p90 ${percentile(sorted, 0.9).toFixed(2)} ms, p99 ${p99.toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
)
console.log(
  `  median analysis / median disassembly (in-run reference): ${medianOverDisasm.toFixed(1)}x`,
)
console.log(`  reports with complete: false: ${incomplete} of ${samples.length * 3}`)
console.log('  slowest:')
for (const t of [...times].sort((a, b) => b.ms - a.ms).slice(0, 5))
  console.log(`    ${t.ms.toFixed(1).padStart(8)} ms  ${t.id}`)
const medianRatio = medianOverDisasm / BASELINE.medianOverDisasm
const ok = medianRatio <= TARGET.medianRatio && p99 < TARGET.p99Ms
console.log(
  `  vs baseline (median ${BASELINE.medianMs} ms = ${BASELINE.medianOverDisasm}x disassembly, p99 ${BASELINE.p99Ms} ms): median ${medianRatio.toFixed(2)}x baseline (target <= ${TARGET.medianRatio}x), p99 ${p99.toFixed(1)} ms (target < ${TARGET.p99Ms} ms) ${ok ? 'OK' : 'MISSED'}`,
)
process.exitCode = ok ? 0 : 1
