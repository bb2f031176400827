// The enclave worker: the one file the launcher bundles, measures (PCR0) and executes under
// Node's permission model (read access to its own bundle directory only) and, when present,
// bubblewrap with no network. It talks to the launcher only over stdin/stdout.
import { generateKeyPairSync, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import {
  canonicalJson,
  computeCodeHash,
  decodeAttestationDocument,
} from '@tollgate/license-client/attestation'
import type { AnalysisResultPayload } from '@tollgate/license-client/attestation'
import { ENGINE_VERSION, analyzeBytecode } from '../analysis/analyze.js'
import { openAnalysisBundle } from '../sealed/open-analysis-bundle.js'
import { unwrapKey } from '../lib/key-wrap.js'
import { measure } from '../lib/pcr.js'
import { EnclaveError } from '../errors.js'
import { runProbes } from './self-test.js'
import type { FromWorker, KeyReleaseReply, ToWorker, WorkerJob } from './protocol.js'

declare const __TOLLGATE_SELFTEST__: boolean | undefined

const SEALED_FILE = 'analysis.sealed'

const lines = createInterface({ input: process.stdin })
const inbox: ToWorker[] = []
let wake: (() => void) | undefined
lines.on('line', (line) => {
  inbox.push(JSON.parse(line) as ToWorker)
  wake?.()
})
lines.on('close', () => process.exit(70))

async function next(): Promise<ToWorker> {
  for (;;) {
    const msg = inbox.shift()
    if (msg) return msg
    await new Promise<void>((resolve) => (wake = resolve))
  }
}

function send(msg: FromWorker): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`)
}

// PCR2 as the (signed) attestation document states it, to check the sealed file we read is
// the one that was measured — the host could otherwise swap in an older bundle.
function attestedPcr2(document: Uint8Array): string {
  return decodeAttestationDocument(document).pcrs[2] ?? ''
}

async function run(job: WorkerJob): Promise<void> {
  const signing = generateKeyPairSync('ed25519')
  const exchange = generateKeyPairSync('x25519')
  const nonce = Buffer.from(job.nonce, 'utf8')
  send({
    type: 'attest',
    publicKey: signing.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    userData: exchange.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    nonce: nonce.toString('base64'),
  })
  const att = await next()
  if (att.type !== 'attestation')
    throw new EnclaveError('WORKER_PROTOCOL', 'expected an attestation document')
  const document = Buffer.from(att.document, 'base64')
  send({
    type: 'key-request',
    attestation: att.document,
    licenseToken: job.licenseToken,
    analysisType: job.analysisType,
  })
  const reply = (await next()) as KeyReleaseReply
  if (reply.type === 'key-refused')
    throw new EnclaveError('KEY_REFUSED', reply.message, { reason: reply.code })
  if (reply.type !== 'key') throw new EnclaveError('WORKER_PROTOCOL', 'expected a key release')
  const sealed = readFileSync(new URL(`./${SEALED_FILE}`, import.meta.url))
  if (measure(sealed).toString('hex') !== attestedPcr2(document)) {
    throw new EnclaveError('SEALED_BUNDLE_INVALID', 'sealed bundle on disk is not the measured one')
  }
  const rules = openAnalysisBundle(sealed, unwrapKey(reply.wrapped, exchange.privateKey, nonce))
  const report = analyzeBytecode(job.bytecode, job.analysisType, rules)
  const result: AnalysisResultPayload = {
    analysisType: job.analysisType,
    codeHash: computeCodeHash(job.bytecode),
    findings: report.findings,
    engineVersion: `${ENGINE_VERSION}+rules.${rules.version}`,
    licenseId: reply.licenseId,
    nonce: job.nonce,
    timestamp: Date.now(),
  }
  const signature = sign(
    null,
    Buffer.from(canonicalJson(result), 'utf8'),
    signing.privateKey,
  ).toString('base64url')
  send({ type: 'result', signed: { result, signature, attestation: att.document } })
}

async function main(): Promise<void> {
  const start = await next()
  if (start.type !== 'start') throw new EnclaveError('WORKER_PROTOCOL', 'expected start')
  // Probes exist only in the self-test build; esbuild drops this branch from production.
  if (typeof __TOLLGATE_SELFTEST__ !== 'undefined' && __TOLLGATE_SELFTEST__ && start.job.probes) {
    send({ type: 'probes', outcomes: await runProbes(start.job.probes) })
    return
  }
  await run(start.job)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    const code = err instanceof EnclaveError ? err.code : 'WORKER_CRASHED'
    const reason = err instanceof EnclaveError && err.reason ? err.reason : undefined
    send({
      type: 'error',
      code: reason ? `${code}:${reason}` : code,
      message: err instanceof Error ? err.message : String(err),
    })
    process.exit(1)
  },
)
