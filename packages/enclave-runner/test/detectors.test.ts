import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES, analyzeBytecode } from '@tollgate/enclave-runner'
import type { AnalysisType, DetectorId } from '@tollgate/enclave-runner'
import { loadFixtures } from './helpers.js'

const DETECTORS: Record<DetectorId, AnalysisType> = {
  'unprotected-selfdestruct': 'vulnerability',
  'controlled-delegatecall': 'vulnerability',
  'tx-origin-auth': 'vulnerability',
  'unchecked-call': 'vulnerability',
  'mev-pattern': 'mev',
  'honeypot-pattern': 'honeypot',
}
const MIN_PRECISION = 0.9
const MIN_RECALL = 0.8

describe('detectors on labelled solc fixtures', () => {
  const fixtures = loadFixtures()

  it('has at least 3 positive and 3 negative contracts per detector', () => {
    for (const d of Object.keys(DETECTORS)) {
      const pos = new Set(fixtures.filter((f) => f.labels.includes(d)).map((f) => f.contract))
      expect(pos.size, d).toBeGreaterThanOrEqual(3)
      expect(new Set(fixtures.map((f) => f.contract)).size - pos.size, d).toBeGreaterThanOrEqual(3)
    }
  })

  it(`reaches precision >= ${MIN_PRECISION} and recall >= ${MIN_RECALL} for every detector`, () => {
    const found = new Map<string, Set<string>>()
    for (const f of fixtures) {
      const hits = new Set<string>()
      for (const type of ['vulnerability', 'mev', 'honeypot'] as const) {
        const report = analyzeBytecode(f.bytecode, type, DEFAULT_RULES)
        expect(report.complete, `${f.id} within the step budget`).toBe(true)
        for (const finding of report.findings) {
          hits.add(finding.detector)
          expect(
            finding.evidence.length,
            `${f.id} ${finding.detector} has evidence`,
          ).toBeGreaterThan(0)
        }
      }
      found.set(f.id, hits)
    }
    const rows: string[] = []
    const failures: string[] = []
    for (const d of Object.keys(DETECTORS)) {
      let tp = 0,
        fp = 0,
        fn = 0
      const misses: string[] = []
      for (const f of fixtures) {
        const expected = f.labels.includes(d)
        const got = found.get(f.id)?.has(d) ?? false
        if (expected && got) tp++
        else if (!expected && got) {
          fp++
          misses.push(`FP ${f.id}`)
        } else if (expected && !got) {
          fn++
          misses.push(`FN ${f.id}`)
        }
      }
      const precision = tp + fp === 0 ? 0 : tp / (tp + fp)
      const recall = tp + fn === 0 ? 0 : tp / (tp + fn)
      rows.push(
        `${d.padEnd(26)} precision ${precision.toFixed(3)}  recall ${recall.toFixed(3)}  (tp ${tp}, fp ${fp}, fn ${fn}) ${misses.join(' ')}`,
      )
      if (precision < MIN_PRECISION || recall < MIN_RECALL) failures.push(d)
    }
    console.log(
      `detector metrics over ${fixtures.length} fixtures (solc, optimizer off and on):\n${rows.join('\n')}`,
    )
    expect(failures).toEqual([])
  })

  it('reports findings with severity, confidence and pc/opcode evidence that point at real instructions', () => {
    const f = fixtures.find((x) => x.id === 'ExecAny')!
    const { findings } = analyzeBytecode(f.bytecode, 'vulnerability', DEFAULT_RULES)
    const hit = findings.find((x) => x.detector === 'controlled-delegatecall')!
    expect(hit.severity).toBe('critical')
    expect(hit.confidence).toBe('high')
    const ev = hit.evidence[0]!
    expect(ev.opcode).toBe('DELEGATECALL')
    expect(f.bytecode.slice(2 + ev.pc * 2, 4 + ev.pc * 2)).toBe('f4')
  })

  it('is deterministic', () => {
    const f = fixtures.find((x) => x.id === 'GiftBox@opt')!
    expect(analyzeBytecode(f.bytecode, 'honeypot', DEFAULT_RULES)).toEqual(
      analyzeBytecode(f.bytecode, 'honeypot', DEFAULT_RULES),
    )
  })
})
