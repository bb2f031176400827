import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { verifyAnalysisResult } from '@tollgate/license-client/attestation'
import { createEnclaveRunner, runAnalysis } from '@tollgate/enclave-runner'
import { bundleTo, fixture, freshNonce, licensing } from './helpers.js'

describe('runAnalysis (the entry point for the CLI and POST /v1/analyze)', () => {
  const lic = licensing()

  it('keeps root and measurement stable across calls with a stateDir, and each result verifies', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'tollgate-state-')), 'enclave')
    const workerPath = await bundleTo(false)
    const target = fixture('GiftBox')
    const token = lic.token(['analysis:honeypot'])
    const runs = []
    for (let i = 0; i < 2; i++) {
      const nonce = freshNonce()
      const out = await runAnalysis({
        bytecode: target.bytecode,
        analysisType: 'honeypot',
        licenseToken: token,
        jwks: lic.jwks,
        nonce,
        stateDir,
        workerPath,
      })
      const { result } = verifyAnalysisResult(out.signed, {
        bytecode: target.bytecode,
        nonce,
        ...out.verification,
      })
      expect(result.findings.map((f) => (f as { detector: string }).detector)).toContain(
        'honeypot-pattern',
      )
      runs.push(out.verification)
    }
    expect(runs[1]).toEqual(runs[0])
  })

  it('serves concurrent requests from one runner, each bound to its own nonce', async () => {
    const runner = await createEnclaveRunner({ jwks: lic.jwks, workerPath: await bundleTo(false) })
    try {
      const token = lic.token(['analysis:vulnerability', 'analysis:mev'])
      const jobs = [
        { id: 'ExecAny', type: 'vulnerability' },
        { id: 'CoinbaseBribe@opt', type: 'mev' },
        { id: 'SendIgnored', type: 'vulnerability' },
      ].map(async ({ id, type }) => {
        const nonce = freshNonce()
        const { bytecode } = fixture(id)
        const signed = await runner.analyze({
          bytecode,
          analysisType: type,
          licenseToken: token,
          nonce,
        })
        return verifyAnalysisResult(signed, {
          bytecode,
          nonce,
          allowedPcrs: [runner.measurement],
          trustedRoots: [runner.rootCertificatePem],
          allowEmulated: true,
        })
      })
      const results = await Promise.all(jobs)
      expect(results.map((r) => r.result.analysisType)).toEqual([
        'vulnerability',
        'mev',
        'vulnerability',
      ])
      expect(new Set(results.map((r) => r.result.nonce)).size).toBe(3)
    } finally {
      runner.close()
    }
  })
})
