import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES, analyzeBytecode, disassemble } from '@tollgate/enclave-runner'
import type { AnalysisType } from '@tollgate/enclave-runner'
import { loadFixtures } from './helpers.js'

const TYPES: AnalysisType[] = ['vulnerability', 'mev', 'honeypot']

describe('analysis engine on arbitrary input', () => {
  it('never throws on random bytes and always returns findings with evidence', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 2048 }),
        fc.constantFrom(...TYPES),
        (bytes, type) => {
          const report = analyzeBytecode(bytes, type, DEFAULT_RULES)
          for (const f of report.findings) expect(f.evidence.length).toBeGreaterThan(0)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('never throws on mutated compiled contracts (real dispatchers, helpers and loops, damaged)', () => {
    const corpus = loadFixtures().map((f) => Buffer.from(f.bytecode.slice(2), 'hex'))
    fc.assert(
      fc.property(
        fc.nat({ max: corpus.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.constantFrom(...TYPES),
        (i, edits, type) => {
          const code = Uint8Array.from(corpus[i]!)
          for (const [at, byte] of edits) code[at % code.length] = byte
          const report = analyzeBytecode(code, type, DEFAULT_RULES)
          expect(Array.isArray(report.incompleteFunctions)).toBe(true)
          expect(report.complete).toBe(report.incompleteFunctions.length === 0)
        },
      ),
      { numRuns: 120 },
    )
  })

  it('disassembly covers every byte before the metadata exactly once', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), (bytes) => {
        const d = disassemble(bytes)
        let expected = 0
        for (const ins of d.instructions) {
          expect(ins.pc).toBe(expected)
          const size = ins.byte >= 0x60 && ins.byte <= 0x7f ? ins.byte - 0x5f : 0
          expected = ins.pc + 1 + size
        }
        expect(expected).toBeGreaterThanOrEqual(d.codeLength)
      }),
      { numRuns: 200 },
    )
  })

  it('stops at the step budget on a jump maze and says the result is incomplete', () => {
    // JUMPDEST; PUSH1 0; CALLDATALOAD; PUSH1 0; JUMPI  -> an input-dependent loop, many times over
    const block = '5b600035600057'
    const maze = `0x${block.repeat(2000)}`
    const report = analyzeBytecode(maze, 'vulnerability', {
      ...DEFAULT_RULES,
      limits: { maxSteps: 5_000, maxVisitsPerBlock: 12 },
    })
    expect(report.complete).toBe(false)
  })
})
