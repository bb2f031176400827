import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Decoder, Encoder } from 'cbor-x'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AttestationError, verifyAnalysisResult } from '@tollgate/license-client/attestation'
import type { PcrSet, SignedAnalysisResult } from '@tollgate/license-client/attestation'
import {
  DEFAULT_RULES,
  EnclaveError,
  analyzeBytecode,
  createDevelopmentCa,
  createEnclaveRunner,
  generateBundleKey,
  issueAttestationSigner,
  sealAnalysisBundle,
  signAttestationDocument,
  createKeyBroker,
  measureWorker,
} from '@tollgate/enclave-runner'
import type { EnclaveRunner } from '@tollgate/enclave-runner'
import { bundleTo, fixture, freshNonce, licensing } from './helpers.js'

const cbor = new Encoder({
  mapsAsObjects: false,
  useRecords: false,
  tagUint8Array: false,
  variableMapSize: true,
})
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false })

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    if (e instanceof EnclaveError) return e.reason ? `${e.code}:${e.reason}` : e.code
    throw e
  }
  return 'OK'
}

function attestationCode(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof AttestationError) return e.code
    throw e
  }
  return 'OK'
}

// Replace payload fields of a COSE_Sign1 document, keeping its (now stale) signature.
function rewriteDoc(b64: string, edit: (payload: Map<string, unknown>) => void): string {
  const cose = decoder.decode(Buffer.from(b64, 'base64')) as unknown[]
  const payload = decoder.decode(cose[2] as Uint8Array) as Map<string, unknown>
  edit(payload)
  cose[2] = cbor.encode(payload)
  return Buffer.from(cbor.encode(cose)).toString('base64')
}

describe('enclave runner: attestation, key release and tamper resistance', () => {
  const lic = licensing()
  const ca = createDevelopmentCa()
  const key = generateBundleKey()
  const sealed = { bundle: sealAnalysisBundle(DEFAULT_RULES, key), key }
  const target = fixture('KillableOpen')
  let workerPath: string
  let runner: EnclaveRunner
  let measurement: PcrSet
  let signed: SignedAnalysisResult
  let nonce: string
  let starts = 0

  beforeAll(async () => {
    workerPath = await bundleTo(false)
    runner = await createEnclaveRunner({
      jwks: lic.jwks,
      ca,
      sealed,
      workerPath,
      onWorkerStart: () => void starts++,
    })
    measurement = runner.measurement
    nonce = freshNonce()
    signed = await runner.analyze({
      bytecode: target.bytecode,
      analysisType: 'vulnerability',
      licenseToken: lic.token(['analysis:vulnerability']),
      nonce,
    })
  })
  afterAll(() => runner?.close())

  const verify = (
    s: SignedAnalysisResult,
    over: Partial<Parameters<typeof verifyAnalysisResult>[1]> = {},
  ) =>
    verifyAnalysisResult(s, {
      bytecode: target.bytecode,
      nonce,
      allowedPcrs: [measurement],
      trustedRoots: [ca.rootPem],
      allowEmulated: true,
      ...over,
    })

  it('returns a result that verifies, with the findings the engine computes', () => {
    const { result, attestation } = verify(signed)
    expect(result.findings).toEqual(
      analyzeBytecode(target.bytecode, 'vulnerability', DEFAULT_RULES).findings,
    )
    expect(result.findings.length).toBeGreaterThan(0)
    expect(result.licenseId).toBe('lic_analysisvulnerability')
    expect(attestation.moduleId).toMatch(/emulated/)
    expect(attestation.emulated).toBe(true)
    expect(attestation.pcrs[0]).toBe(measurement[0])
  })

  it('measureWorker predicts the attested PCRs without starting anything', () => {
    expect(measureWorker({ workerPath, sealedBundle: sealed.bundle })).toEqual(measurement)
  })

  it('one byte changed in the worker bundle -> different measurement -> key refused', async () => {
    const bytes = readFileSync(workerPath)
    const at = bytes.indexOf('Tollgate enclave worker')
    expect(at).toBeGreaterThan(0)
    bytes[at] = 't'.charCodeAt(0) // inside the banner comment: still runs, measures differently
    const tampered = join(dirname(workerPath), 'worker-tampered.mjs')
    writeFileSync(tampered, bytes)
    const evil = await createEnclaveRunner({
      jwks: lic.jwks,
      ca,
      sealed,
      workerPath: tampered,
      allowedPcrs: [measurement],
    })
    try {
      expect(evil.measurement[0]).not.toBe(measurement[0])
      expect(evil.measurement[1]).toBe(measurement[1])
      expect(evil.measurement[2]).toBe(measurement[2])
      const code = await codeOf(
        evil.analyze({
          bytecode: target.bytecode,
          analysisType: 'vulnerability',
          licenseToken: lic.token(['analysis:vulnerability']),
        }),
      )
      expect(code).toBe('KEY_REFUSED:MEASUREMENT_NOT_ALLOWED')
    } finally {
      evil.close()
    }
  })

  it('edited result -> RESULT_BAD_SIGNATURE', () => {
    const edited = { ...signed, result: { ...signed.result, findings: [] } }
    expect(attestationCode(() => verify(edited))).toBe('RESULT_BAD_SIGNATURE')
  })

  it('swapped certificate (another valid leaf of the same CA) -> ATTESTATION_BAD_SIGNATURE', () => {
    const other = issueAttestationSigner(ca, 'tollgate-emulated-enclave-other')
    const attestation = rewriteDoc(signed.attestation, (p) =>
      p.set('certificate', Buffer.from(other.certificate)),
    )
    expect(attestationCode(() => verify({ ...signed, attestation }))).toBe(
      'ATTESTATION_BAD_SIGNATURE',
    )
  })

  it('document re-signed under an attacker CA -> ATTESTATION_UNTRUSTED_ROOT', () => {
    const evilCa = createDevelopmentCa()
    const signer = issueAttestationSigner(evilCa, 'tollgate-emulated-enclave-evil')
    const cose = decoder.decode(Buffer.from(signed.attestation, 'base64')) as unknown[]
    const p = decoder.decode(cose[2] as Uint8Array) as Map<string, unknown>
    const pcrs = new Map([...(p.get('pcrs') as Map<number, Uint8Array>)])
    const doc = signAttestationDocument(signer, 'evil', pcrs, {
      publicKey: p.get('public_key') as Uint8Array,
      nonce: p.get('nonce') as Uint8Array,
    })
    expect(
      attestationCode(() =>
        verify({ ...signed, attestation: Buffer.from(doc).toString('base64') }),
      ),
    ).toBe('ATTESTATION_UNTRUSTED_ROOT')
  })

  it('replayed nonce -> NONCE_MISMATCH at the verifier, NONCE_REPLAYED at the key broker', () => {
    expect(attestationCode(() => verify(signed, { nonce: freshNonce() }))).toBe('NONCE_MISMATCH')
    const broker = createKeyBroker({
      bundleKey: key,
      allowedPcrs: [measurement],
      trustedRoots: [ca.rootPem],
      allowEmulated: true,
      jwks: lic.jwks,
    })
    const request = {
      attestation: Buffer.from(signed.attestation, 'base64'),
      licenseToken: lic.token(['analysis:vulnerability']),
      analysisType: 'vulnerability',
    }
    expect(broker.releaseKey(request).ok).toBe(true)
    const again = broker.releaseKey(request)
    expect(again.ok ? 'OK' : again.code).toBe('NONCE_REPLAYED')
  })

  it('wrong PCR -> PCR_MISMATCH', () => {
    expect(
      attestationCode(() =>
        verify(signed, { allowedPcrs: [{ ...measurement, 2: '00'.repeat(48) }] }),
      ),
    ).toBe('PCR_MISMATCH')
  })

  it('emulated root without allowEmulated -> EMULATED_NOT_ALLOWED', () => {
    expect(attestationCode(() => verify(signed, { allowEmulated: false }))).toBe(
      'EMULATED_NOT_ALLOWED',
    )
  })

  it('result presented for other bytecode -> CODE_HASH_MISMATCH', () => {
    expect(attestationCode(() => verify(signed, { bytecode: fixture('OwnedKill').bytecode }))).toBe(
      'CODE_HASH_MISMATCH',
    )
  })

  it('key broker refuses a stale attestation document and a license without the entitlement', () => {
    const broker = createKeyBroker({
      bundleKey: key,
      allowedPcrs: [measurement],
      trustedRoots: [ca.rootPem],
      allowEmulated: true,
      jwks: lic.jwks,
      now: () => Date.now() + 10 * 60_000,
    })
    const stale = broker.releaseKey({
      attestation: Buffer.from(signed.attestation, 'base64'),
      licenseToken: lic.token(['analysis:vulnerability']),
      analysisType: 'vulnerability',
    })
    expect(stale.ok ? 'OK' : stale.code).toBe('ATTESTATION_STALE')
    const fresh = createKeyBroker({
      bundleKey: key,
      allowedPcrs: [measurement],
      trustedRoots: [ca.rootPem],
      allowEmulated: true,
      jwks: lic.jwks,
    })
    const denied = fresh.releaseKey({
      attestation: Buffer.from(signed.attestation, 'base64'),
      licenseToken: lic.token(['analysis:mev']),
      analysisType: 'vulnerability',
    })
    expect(denied.ok ? 'OK' : denied.code).toBe('NOT_ENTITLED')
  })

  it('a license without the entitlement is refused before any worker starts', async () => {
    const before = starts
    const code = await codeOf(
      runner.analyze({
        bytecode: target.bytecode,
        analysisType: 'honeypot',
        licenseToken: lic.token(['analysis:vulnerability', 'analysis:mev']),
      }),
    )
    expect(code).toBe('NOT_ENTITLED')
    expect(starts).toBe(before)
  })

  it('a forged or expired license is LICENSE_INVALID, also before any worker starts', async () => {
    const before = starts
    const other = licensing()
    expect(
      await codeOf(
        runner.analyze({
          bytecode: target.bytecode,
          analysisType: 'vulnerability',
          licenseToken: other.token(['analysis:vulnerability']),
        }),
      ),
    ).toMatch(/^LICENSE_INVALID/)
    const expired = lic.token(['analysis:vulnerability'], {
      expiresAt: new Date(Date.now() - 3_600_000),
    })
    expect(
      await codeOf(
        runner.analyze({
          bytecode: target.bytecode,
          analysisType: 'vulnerability',
          licenseToken: expired,
        }),
      ),
    ).toBe('LICENSE_INVALID:EXPIRED')
    expect(starts).toBe(before)
  })

  it('validates input with typed errors', async () => {
    const token = lic.token(['analysis:vulnerability'])
    expect(
      await codeOf(
        runner.analyze({ bytecode: '0xzz', analysisType: 'vulnerability', licenseToken: token }),
      ),
    ).toBe('INVALID_BYTECODE')
    expect(
      await codeOf(
        runner.analyze({ bytecode: target.bytecode, analysisType: 'rugpull', licenseToken: token }),
      ),
    ).toBe('INVALID_ANALYSIS_TYPE')
    expect(
      await codeOf(
        runner.analyze({
          bytecode: target.bytecode,
          analysisType: 'vulnerability',
          licenseToken: token,
          nonce: 'short',
        }),
      ),
    ).toBe('INVALID_NONCE')
  })

  it('a worker or sealed bundle swapped on disk after staging is re-measured at launch and refused', async () => {
    const r = await createEnclaveRunner({ jwks: lic.jwks, ca, sealed, workerPath })
    try {
      expect(r.measurement).toEqual(measurement)
      // Same rules, same key, new IV: a different file the host could try to serve instead.
      chmodSync(r.stagingDir, 0o700)
      const file = join(r.stagingDir, 'analysis.sealed')
      chmodSync(file, 0o600)
      writeFileSync(file, sealAnalysisBundle(DEFAULT_RULES, key))
      const code = await codeOf(
        r.analyze({
          bytecode: target.bytecode,
          analysisType: 'vulnerability',
          licenseToken: lic.token(['analysis:vulnerability']),
        }),
      )
      expect(code).toBe('KEY_REFUSED:MEASUREMENT_NOT_ALLOWED')
    } finally {
      r.close()
    }
  })
})
