import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { LicenseError } from '@tollgate/license-client/errors'
import {
  AWS_NITRO_ROOT_G1_SHA256,
  AttestationError,
  canonicalJson,
  computeCodeHash,
  decodeAttestationDocument,
  verifyAnalysisResult,
  verifyAttestationDocument,
} from '@tollgate/license-client/attestation'
import type {
  SignedAnalysisResult,
  VerifyAnalysisResultOptions,
} from '@tollgate/license-client/attestation'

// A fixed vector produced by the enclave runner (packages/enclave-runner/scripts/
// make-attestation-vector.ts): an attested, signed analysis result and the emulated root.
// Certificates are checked at the document's own timestamp, so the vector does not age.
const VECTOR = {
  rootPem:
    '-----BEGIN CERTIFICATE-----\nMIICATCCAYegAwIBAgIQDGj13aG/AaHpTg09VT6zZzAKBggqhkjOPQQDAzBQMREw\nDwYDVQQKDAhUb2xsZ2F0ZTERMA8GA1UECwwIZW11bGF0ZWQxKDAmBgNVBAMMH1Rv\nbGxnYXRlIEVtdWxhdGVkIE5pdHJvIFJvb3QgQ0EwHhcNMjYxMjAxMDgyNTM0WhcN\nNDYxMTI2MDgyNTM0WjBQMREwDwYDVQQKDAhUb2xsZ2F0ZTERMA8GA1UECwwIZW11\nbGF0ZWQxKDAmBgNVBAMMH1RvbGxnYXRlIEVtdWxhdGVkIE5pdHJvIFJvb3QgQ0Ew\ndjAQBgcqhkjOPQIBBgUrgQQAIgNiAARMinLkYfTHrosIlzvx3gtPzGgOxLuyvgRy\nsqKb0XR//6kmKXfS9747HejXCnl6WL8tYtIvtLmBdqq8Cs858bZ2X7CFwkihzXbr\nzsU2hL4zWTt+A3wrhFEcwSIcNO+IGrejJjAkMBIGA1UdEwEB/wQIMAYBAf8CAQIw\nDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMDA2gAMGUCMQDF3U6km8NATB7djq/B\nB5t6qeD73nQZtcYfd/J48Sr1daK1XmDPxI9DrE5/ZeI4zl8CMDNn9dxlG+beTPYV\nzM9xbxRB+73ljPYnBtwpR5sFr65jtSoaoD7mZSfxG/1oD8MvMg==\n-----END CERTIFICATE-----\n',
  measurement: {
    '0': '1039444db48b6ea7870267f569fc85d3a339126823f961b3917007aca97930a0234876d5ecf9f5e9af6e787e7c1ea835',
    '1': 'df3040ebf661a0d87253c92d13816ddba17abcf4e866a443de6cdb49dfeae54b298e2ecb218892ff2f4e224b4a9a4b95',
    '2': '0bc4a54ee55a6e36d4e7cd32056c9b13f6d9ab153fe4ca9cb61fe748b5add4d162f0689178f1110214fcf7d693756ff9',
  },
  nonce: 'vector-nonce-0123456789abcdef',
  bytecode:
    '0x608060405260043610602f575f3560e01c8063323a5e0b14603357806341c0e1b5146057578063d0e30db0146069575b5f5ffd5b348015603d575f5ffd5b5060455f5481565b60405190815260200160405180910390f35b3480156061575f5ffd5b50606733ff5b005b6067345f5f828254607991906080565b9091555050565b80820180821115609e57634e487b7160e01b5f52601160045260245ffd5b9291505056fea26469706673582212202e657e793bfc51d18a6a0125667fa936cb1a510cc4881da1a6fb9e4cb995186864736f6c63430008250033',
  signed: {
    result: {
      analysisType: 'vulnerability',
      codeHash: 'sha256:6828e9d9cfe31734c1a61f8b24e90cac48e8df63fbd74d00139afb8e0da5b5ff',
      findings: [
        {
          detector: 'unprotected-selfdestruct',
          title: 'Anyone can destroy the contract',
          severity: 'critical',
          confidence: 'high',
          evidence: [
            {
              pc: 102,
              opcode: 'SELFDESTRUCT',
              reason:
                'reachable without a msg.sender/tx.origin check; beneficiary chosen by the caller',
            },
          ],
        },
      ],
      engineVersion: '0.1.0+rules.2026.12.1',
      licenseId: 'lic_vector',
      nonce: 'vector-nonce-0123456789abcdef',
      timestamp: 1796113595375,
    },
    signature:
      'zHgzg-qAFN4Q4Ro_RVtSfsMNJLpbVcqe6H4vO5tBS_dPPb2dJv38RgOLD2pS63NIiH7mUB64wig5SgMz6QdyDw',
    attestation:
      'hEShATgioFkKYKlpbW9kdWxlX2lkeCZ0b2xsZ2F0ZS1lbXVsYXRlZC1lbmNsYXZlLWQzNjE2ZThkYjY4NGZkaWdlc3RmU0hBMzg0aXRpbWVzdGFtcBsAAAGiMLZ7wmRwY3JzsABYMBA5RE20i26nhwJn9Wn8hdOjORJoI/lhs5FwB6ypeTCgI0h21ez59emvbnh+fB6oNQFYMN8wQOv2YaDYclPJLROBbduherz06GakQ95s20nf6uVLKY4uyyGIkv8vTiJLSppLlQJYMAvEpU7lWm421OfNMgVsmxP22asVP+TKnLYf50i1rdTRYvBokXjxEQIU/PfWk3Vv+QNYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAARYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAVYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAZYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAdYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAhYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAApYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAtYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxYMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1YMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA5YMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9YMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAGtjZXJ0aWZpY2F0ZVkCDjCCAgowggGQoAMCAQICEFC5q4t30gKhCDuA/ua/stwwCgYIKoZIzj0EAwMwWDERMA8GA1UECgwIVG9sbGdhdGUxETAPBgNVBAsMCGVtdWxhdGVkMTAwLgYDVQQDDCdUb2xsZ2F0ZSBFbXVsYXRlZCBOaXRybyBJbnRlcm1lZGlhdGUgQ0EwHhcNMjYxMjAxMDgyNTM1WhcNMjYxMjAxMTEyNTM1WjBXMREwDwYDVQQKDAhUb2xsZ2F0ZTERMA8GA1UECwwIZW11bGF0ZWQxLzAtBgNVBAMMJnRvbGxnYXRlLWVtdWxhdGVkLWVuY2xhdmUtZDM2MTZlOGRiNjg0MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE3xHoZpg0HY3G6P01+N6S1+VxJE9o8r9qiH9p4NZ7WrGZX8xtCJ27XR2kl0rtgvOn0IFJ8IY/PD07/7Z++VS68k3fdobTQQyjsgLbuZFBwA/WbaRg6QghhDUAUIqfe9CyoyAwHjAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDAKBggqhkjOPQQDAwNoADBlAjEA15wSAhIXc1BEeHslB1oSZwKIOyJECQ+LiTsx1wb7cDQtv+lWx+e0fuQyIEuD1CUOAjBI4hhTJrauamTW30fsP/vjIgGqSq4ynAdC45BVZODPvBcDpxczxlDLFh5ueqOOrydoY2FidW5kbGWCWQIFMIICATCCAYegAwIBAgIQDGj13aG/AaHpTg09VT6zZzAKBggqhkjOPQQDAzBQMREwDwYDVQQKDAhUb2xsZ2F0ZTERMA8GA1UECwwIZW11bGF0ZWQxKDAmBgNVBAMMH1RvbGxnYXRlIEVtdWxhdGVkIE5pdHJvIFJvb3QgQ0EwHhcNMjYxMjAxMDgyNTM0WhcNNDYxMTI2MDgyNTM0WjBQMREwDwYDVQQKDAhUb2xsZ2F0ZTERMA8GA1UECwwIZW11bGF0ZWQxKDAmBgNVBAMMH1RvbGxnYXRlIEVtdWxhdGVkIE5pdHJvIFJvb3QgQ0EwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAARMinLkYfTHrosIlzvx3gtPzGgOxLuyvgRysqKb0XR//6kmKXfS9747HejXCnl6WL8tYtIvtLmBdqq8Cs858bZ2X7CFwkihzXbrzsU2hL4zWTt+A3wrhFEcwSIcNO+IGrejJjAkMBIGA1UdEwEB/wQIMAYBAf8CAQIwDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMDA2gAMGUCMQDF3U6km8NATB7djq/BB5t6qeD73nQZtcYfd/J48Sr1daK1XmDPxI9DrE5/ZeI4zl8CMDNn9dxlG+beTPYVzM9xbxRB+73ljPYnBtwpR5sFr65jtSoaoD7mZSfxG/1oD8MvMlkCDjCCAgowggGPoAMCAQICEBE+N/vdYu7r4AkPtWnbPAcwCgYIKoZIzj0EAwMwUDERMA8GA1UECgwIVG9sbGdhdGUxETAPBgNVBAsMCGVtdWxhdGVkMSgwJgYDVQQDDB9Ub2xsZ2F0ZSBFbXVsYXRlZCBOaXRybyBSb290IENBMB4XDTI2MTIwMTA4MjUzNFoXDTM2MTEyODA4MjUzNFowWDERMA8GA1UECgwIVG9sbGdhdGUxETAPBgNVBAsMCGVtdWxhdGVkMTAwLgYDVQQDDCdUb2xsZ2F0ZSBFbXVsYXRlZCBOaXRybyBJbnRlcm1lZGlhdGUgQ0EwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAATZ5iAd0kifVhUXPX73HdQUTV+cCC5t2fPpim+U0VpuI/XUKQanwduM1/Q+9v+rSWrjrXDRLEnkTHy+7yoKRuxIx+7GmZV8/zwUxRQ9VuUWD/qYTwoaUxdbjlt26vSsW+WjJjAkMBIGA1UdEwEB/wQIMAYBAf8CAQAwDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMDA2kAMGYCMQD46JUfUmN1dhieJ/T5U9uXNyWkUHWwO7kbuc7cHnciglxLJZXjVct+NDFvG75oW4ACMQCqCuBKkBO75kD1xdCshaJWTT2AaCSiakdrn0Alv8igMX8K5XjnlmR1eemB0wg0r79qcHVibGljX2tleVgsMCowBQYDK2VwAyEA3ZC0wZXlItRLWua8Gdn+BftBHdNJm7lWGprXIUgeQklpdXNlcl9kYXRhWCwwKjAFBgMrZW4DIQDrq+cgHNthNtuG+2FbI1ENGgDwvc04srgbsJE2Unq3KmVub25jZVgddmVjdG9yLW5vbmNlLTAxMjM0NTY3ODlhYmNkZWZYYOwF8fZsSarJ4ZhXpiUvqQoxWDXDJZ/B1J6uTEzfizxdwhe1589bTJhY/dvjEQFMG8kMCDCyjEPqvE13hI+7CJ1jz0D0fsV7RmhFcdipTOTmaxQ578QCR0si0aqmASbfjg==',
  },
  otherLeafCertificate:
    'MIICBDCCAYmgAwIBAgIQCpAXPWBIcrXDcjDw3v6+CDAKBggqhkjOPQQDAzBYMREwDwYDVQQKDAhUb2xsZ2F0ZTERMA8GA1UECwwIZW11bGF0ZWQxMDAuBgNVBAMMJ1RvbGxnYXRlIEVtdWxhdGVkIE5pdHJvIEludGVybWVkaWF0ZSBDQTAeFw0yNjEyMDEwODI1MzVaFw0yNjEyMDExMTI1MzVaMFAxETAPBgNVBAoMCFRvbGxnYXRlMREwDwYDVQQLDAhlbXVsYXRlZDEoMCYGA1UEAwwfdG9sbGdhdGUtZW11bGF0ZWQtZW5jbGF2ZS1vdGhlcjB2MBAGByqGSM49AgEGBSuBBAAiA2IABBXjO3NeJd2rtBzoCcjNJsXD9qujKq5DF92tTUKxHL1WT45WVkxixi3XTddZsmgf7viUA22LrqsUEBfik/A2LzthC/i827S3JtaIliyLGFPxWeSB0X0D6jq9lcfFYwlNjaMgMB4wDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8EBAMCB4AwCgYIKoZIzj0EAwMDaQAwZgIxAJbh8y6tRd6M4izyIYJEAKw8FXi2YM/buooOUKp8ROSyhU24N+gmbR4oOgMhYhh+ZgIxALuVt09Vm9Vbb8QzZAbWQwXG0T/GQ5W6JL1Qbv5XySj+vHuuLmfm03+qxQ2rtF01EA==',
} as const

const signed = VECTOR.signed as unknown as SignedAnalysisResult
const base: VerifyAnalysisResultOptions = {
  bytecode: VECTOR.bytecode,
  nonce: VECTOR.nonce,
  allowedPcrs: [VECTOR.measurement],
  trustedRoots: [VECTOR.rootPem],
  allowEmulated: true,
}

function code(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof AttestationError) return e.code
    throw e
  }
  return 'OK'
}

// Tiny CBOR encoder for re-assembling edited documents in tests.
function enc(v: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.of((major << 5) | n)
    if (n < 0x100) return Buffer.of((major << 5) | 24, n)
    if (n < 0x10000) return Buffer.of((major << 5) | 25, n >> 8, n & 0xff)
    if (n < 0x100000000) {
      const b = Buffer.alloc(5)
      b[0] = (major << 5) | 26
      b.writeUInt32BE(n, 1)
      return b
    }
    const b = Buffer.alloc(9)
    b[0] = (major << 5) | 27
    b.writeBigUInt64BE(BigInt(n), 1)
    return b
  }
  if (v === null || v === undefined) return Buffer.of(0xf6)
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v)
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8')
    return Buffer.concat([head(3, b.length), b])
  }
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), v])
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(enc)])
  if (v instanceof Map)
    return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [enc(k), enc(x)])])
  throw new TypeError('unsupported')
}

function docBytes(): Uint8Array {
  return Buffer.from(signed.attestation, 'base64')
}

// Re-encode the document with an edited payload (the signature stays the old one).
function rewrite(
  edit: (payload: Map<string, unknown>) => void,
  cose: (parts: unknown[]) => void = () => undefined,
): string {
  const doc = decodeAttestationDocument(docBytes())
  const payload = new Map<string, unknown>([
    ['module_id', doc.moduleId],
    ['digest', doc.digest],
    ['timestamp', doc.timestamp],
    ['pcrs', new Map(Object.entries(doc.pcrs).map(([i, h]) => [Number(i), Buffer.from(h, 'hex')]))],
    ['certificate', doc.certificate],
    ['cabundle', [...doc.cabundle]],
    ['public_key', doc.publicKey],
    ['user_data', doc.userData],
    ['nonce', doc.nonce],
  ])
  edit(payload)
  const raw = docBytes()
  // protected header is bytes 1..: [0x84, 0x44 a1 01 38 22, ...]; take it from the original.
  const parts: unknown[] = [
    Buffer.from(enc(new Map([[1, -35]]))),
    new Map(),
    enc(payload),
    raw.subarray(raw.length - 96),
  ]
  cose(parts)
  return enc(parts).toString('base64')
}

describe('attestation verifier (license-client/attestation)', () => {
  it('verifies the vector end to end', () => {
    const { result, attestation } = verifyAnalysisResult(signed, base)
    expect(result.analysisType).toBe('vulnerability')
    expect(result.licenseId).toBe('lic_vector')
    expect(attestation.emulated).toBe(true)
    expect(attestation.moduleId).toMatch(/^tollgate-emulated-enclave-/)
    expect(Object.keys(attestation.pcrs)).toHaveLength(16)
  })

  it('re-encoding an unchanged payload still verifies (the test encoder is faithful)', () => {
    expect(
      code(() => verifyAnalysisResult({ ...signed, attestation: rewrite(() => undefined) }, base)),
    ).toBe('OK')
  })

  it('edited result -> RESULT_BAD_SIGNATURE', () => {
    const findings = [...signed.result.findings].slice(1)
    expect(
      code(() => verifyAnalysisResult({ ...signed, result: { ...signed.result, findings } }, base)),
    ).toBe('RESULT_BAD_SIGNATURE')
    expect(
      code(() =>
        verifyAnalysisResult(
          { ...signed, result: { ...signed.result, licenseId: 'lic_other' } },
          base,
        ),
      ),
    ).toBe('RESULT_BAD_SIGNATURE')
  })

  it('a re-ordered but otherwise identical result still verifies (canonical JSON)', () => {
    const r = signed.result
    const reordered = {
      timestamp: r.timestamp,
      nonce: r.nonce,
      licenseId: r.licenseId,
      findings: r.findings,
      engineVersion: r.engineVersion,
      codeHash: r.codeHash,
      analysisType: r.analysisType,
    }
    expect(code(() => verifyAnalysisResult({ ...signed, result: reordered }, base))).toBe('OK')
  })

  it('swapped certificate -> ATTESTATION_BAD_SIGNATURE', () => {
    const other = Buffer.from(VECTOR.otherLeafCertificate, 'base64')
    const attestation = rewrite((p) => p.set('certificate', other))
    expect(code(() => verifyAnalysisResult({ ...signed, attestation }, base))).toBe(
      'ATTESTATION_BAD_SIGNATURE',
    )
  })

  it('edited PCR inside the document -> ATTESTATION_BAD_SIGNATURE', () => {
    const attestation = rewrite((p) =>
      (p.get('pcrs') as Map<number, Buffer>).set(0, Buffer.alloc(48)),
    )
    expect(code(() => verifyAnalysisResult({ ...signed, attestation }, base))).toBe(
      'ATTESTATION_BAD_SIGNATURE',
    )
  })

  it('broken chain (intermediate replaced by the root) -> ATTESTATION_BAD_CHAIN', () => {
    const attestation = rewrite((p) => {
      const bundle = p.get('cabundle') as Uint8Array[]
      p.set('cabundle', [bundle[0], bundle[0]])
    })
    expect(code(() => verifyAnalysisResult({ ...signed, attestation }, base))).toBe(
      'ATTESTATION_BAD_CHAIN',
    )
  })

  it('replayed nonce -> NONCE_MISMATCH', () => {
    expect(
      code(() => verifyAnalysisResult(signed, { ...base, nonce: 'a-fresh-nonce-from-the-caller' })),
    ).toBe('NONCE_MISMATCH')
  })

  it('wrong PCR -> PCR_MISMATCH; an empty allowlist matches nothing', () => {
    const wrong = { ...VECTOR.measurement, 1: '11'.repeat(48) }
    expect(code(() => verifyAnalysisResult(signed, { ...base, allowedPcrs: [wrong] }))).toBe(
      'PCR_MISMATCH',
    )
    expect(code(() => verifyAnalysisResult(signed, { ...base, allowedPcrs: [] }))).toBe(
      'PCR_MISMATCH',
    )
    expect(
      code(() =>
        verifyAnalysisResult(signed, { ...base, allowedPcrs: [wrong, VECTOR.measurement] }),
      ),
    ).toBe('OK')
  })

  it('emulated root without allowEmulated -> EMULATED_NOT_ALLOWED (even when pinned)', () => {
    expect(code(() => verifyAnalysisResult(signed, { ...base, allowEmulated: false }))).toBe(
      'EMULATED_NOT_ALLOWED',
    )
    expect(code(() => verifyAnalysisResult(signed, { ...base, allowEmulated: undefined }))).toBe(
      'EMULATED_NOT_ALLOWED',
    )
  })

  it('emulated root allowed but not pinned -> ATTESTATION_UNTRUSTED_ROOT', () => {
    expect(code(() => verifyAnalysisResult(signed, { ...base, trustedRoots: [] }))).toBe(
      'ATTESTATION_UNTRUSTED_ROOT',
    )
  })

  it('codeHash recomputed from the submitted bytecode -> CODE_HASH_MISMATCH for other code', () => {
    expect(code(() => verifyAnalysisResult(signed, { ...base, bytecode: '0x6001600201' }))).toBe(
      'CODE_HASH_MISMATCH',
    )
    // The same bytes in another spelling are the same code.
    expect(
      code(() =>
        verifyAnalysisResult(signed, { ...base, bytecode: VECTOR.bytecode.slice(2).toUpperCase() }),
      ),
    ).toBe('OK')
  })

  it('stale documents are refused when maxAgeMs is set', () => {
    const doc = decodeAttestationDocument(docBytes())
    expect(
      code(() =>
        verifyAttestationDocument(docBytes(), {
          trustedRoots: [VECTOR.rootPem],
          allowEmulated: true,
          now: doc.timestamp + 120_000,
          maxAgeMs: 60_000,
        }),
      ),
    ).toBe('ATTESTATION_STALE')
    // Far in the future the 3-hour leaf has expired.
    expect(
      code(() =>
        verifyAttestationDocument(docBytes(), {
          trustedRoots: [VECTOR.rootPem],
          allowEmulated: true,
          now: doc.timestamp + 4 * 3_600_000,
        }),
      ),
    ).toBe('ATTESTATION_BAD_CHAIN')
  })

  it('rejects an algorithm other than ES384 and malformed input with their own codes', () => {
    const es256 = rewrite(
      () => undefined,
      (parts) => (parts[0] = enc(new Map([[1, -7]]))),
    )
    expect(code(() => verifyAttestationDocument(Buffer.from(es256, 'base64'), base))).toBe(
      'ATTESTATION_UNSUPPORTED_ALG',
    )
    expect(code(() => verifyAttestationDocument(docBytes().subarray(0, 100), base))).toBe(
      'ATTESTATION_MALFORMED',
    )
    expect(
      code(() => verifyAttestationDocument(Buffer.concat([docBytes(), Buffer.of(0)]), base)),
    ).toBe('ATTESTATION_MALFORMED')
    expect(code(() => verifyAttestationDocument(Buffer.of(0x9f, 0x01, 0xff), base))).toBe(
      'ATTESTATION_MALFORMED',
    )
    const noDigest = rewrite((p) => p.set('digest', 'SHA256'))
    expect(code(() => verifyAttestationDocument(Buffer.from(noDigest, 'base64'), base))).toBe(
      'ATTESTATION_MALFORMED',
    )
    expect(code(() => verifyAnalysisResult({ result: {}, signature: 1 }, base))).toBe(
      'RESULT_MALFORMED',
    )
  })

  it('rejects deeply nested CBOR without overflowing the stack', () => {
    const deep = Buffer.concat([Buffer.alloc(10_000, 0x81), Buffer.of(0x00)])
    expect(code(() => verifyAttestationDocument(deep, base))).toBe('ATTESTATION_MALFORMED')
  })

  it('AttestationError is a LicenseError with a stable code', () => {
    try {
      verifyAnalysisResult(signed, { ...base, allowEmulated: false })
    } catch (e) {
      expect(e).toBeInstanceOf(LicenseError)
      expect(e).toBeInstanceOf(AttestationError)
      expect((e as AttestationError).name).toBe('AttestationError')
    }
    expect.assertions(3)
  })

  it('canonical JSON sorts keys, drops undefined and refuses non-JSON values', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: 1, y: 2 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"d":{"y":2,"z":1}}',
    )
    expect(code(() => canonicalJson({ n: Number.NaN }))).toBe('RESULT_MALFORMED')
    expect(code(() => canonicalJson({ n: 1n }))).toBe('RESULT_MALFORMED')
  })

  it('codeHash is sha256 of the decoded bytes', () => {
    expect(computeCodeHash('0x6080')).toBe(
      `sha256:${createHash('sha256').update(Buffer.of(0x60, 0x80)).digest('hex')}`,
    )
    expect(computeCodeHash(' 60 80 ')).toBe(computeCodeHash(Uint8Array.of(0x60, 0x80)))
    expect(code(() => computeCodeHash('0x608'))).toBe('RESULT_MALFORMED')
  })

  it('pins the published AWS Nitro root fingerprint', () => {
    expect(AWS_NITRO_ROOT_G1_SHA256).toBe(
      '641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b',
    )
  })
})
