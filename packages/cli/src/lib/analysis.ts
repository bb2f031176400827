import { X509Certificate } from 'node:crypto'
import type { PcrSet } from '@tollgate/license-client/attestation'
import type { CliContext } from '../context.js'
import { CliError } from '../errors.js'
import { readUserFile } from './sources.js'

/** Largest bytecode the server analyses, in bytes. */
export const MAX_BYTECODE_BYTES = 64 * 1024

/** The analysis types `--type` accepts. */
export const ANALYSIS_TYPES = ['vulnerability', 'mev', 'honeypot'] as const

/** What `GET /v1/analyze/attestation` publishes. */
export interface AttestationInfo {
  measurement: PcrSet
  rootCertificatePem: string
  allowEmulated: boolean
  sandbox: string
}

/** Reads a hex bytecode file: `0x` prefix and whitespace (line breaks) tolerated. */
export function readBytecodeFile(path: string, ctx: CliContext): string {
  const hex = readUserFile(path, ctx, 'bytecode file').replace(/\s+/g, '').replace(/^0x/i, '')
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new CliError('USAGE', `${path} is not hex bytecode (non-empty, even length, 0-9a-f)`, {
      hint: 'Pass the runtime bytecode as hex, e.g. the output of `solc --bin-runtime`',
    })
  }
  if (hex.length / 2 > MAX_BYTECODE_BYTES) {
    throw new CliError('USAGE', `${path} holds ${hex.length / 2} bytes of code; at most 64 KiB`)
  }
  return `0x${hex.toLowerCase()}`
}

function parseJsonFile(path: string, ctx: CliContext, what: string): unknown {
  const text = readUserFile(path, ctx, what)
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw new CliError('USAGE', `${path} is not JSON`, { cause })
  }
}

const isPcrSet = (v: unknown): v is PcrSet =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.keys(v).length > 0 &&
  Object.entries(v).every(([k, x]) => /^[0-9]{1,2}$/.test(k) && typeof x === 'string')

/**
 * `--pcrs <file>`: a PCR set `{"0": "…", "1": "…", "2": "…"}`, an array of them, or a saved
 * `GET /v1/analyze/attestation` answer (its `measurement`).
 */
export function readPcrsFile(path: string, ctx: CliContext): PcrSet[] {
  const doc = parseJsonFile(path, ctx, 'PCR file')
  const measurement = (doc as { measurement?: unknown } | null)?.measurement
  const sets = Array.isArray(doc) ? doc : [measurement ?? doc]
  if (sets.length === 0 || !sets.every(isPcrSet)) {
    throw new CliError('USAGE', `${path} holds no PCR set`, {
      hint: 'Expected {"0": "<hex>", "1": "<hex>", "2": "<hex>"}, a list of those, or a saved /v1/analyze/attestation answer',
    })
  }
  return sets.map((s) =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.toLowerCase()])),
  )
}

/** `--root <file>`: a PEM certificate, or a saved `/v1/analyze/attestation` answer. */
export function readRootFile(path: string, ctx: CliContext): string {
  const text = readUserFile(path, ctx, 'root certificate')
  let pem = text
  if (text.trim().startsWith('{')) {
    const doc = parseJsonFile(path, ctx, 'root certificate') as { rootCertificatePem?: unknown }
    pem = typeof doc.rootCertificatePem === 'string' ? doc.rootCertificatePem : ''
  }
  try {
    new X509Certificate(pem)
  } catch (cause) {
    throw new CliError('USAGE', `${path} is not a PEM certificate`, { cause })
  }
  return pem
}

/** Short fingerprint of a PEM certificate for humans (SHA-256, first 16 hex chars). */
export function rootFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replaceAll(':', '').slice(0, 16).toLowerCase()
}

interface FindingLike {
  detector?: unknown
  severity?: unknown
  evidence?: unknown
}

/** One table row per finding: where its first piece of evidence points, and how many more. */
export function findingRows(findings: readonly unknown[]): Record<string, unknown>[] {
  return findings.map((raw) => {
    const f = (raw ?? {}) as FindingLike
    const evidence = Array.isArray(f.evidence) ? (f.evidence as Record<string, unknown>[]) : []
    const first = evidence[0] ?? {}
    const more = evidence.length > 1 ? ` (+${evidence.length - 1} more)` : ''
    return {
      severity: f.severity,
      detector: f.detector,
      pc: first.pc,
      opcode: first.opcode,
      reason: typeof first.reason === 'string' ? `${first.reason}${more}` : first.reason,
    }
  })
}
