import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { KeySet, LicenseError, verifyLicense } from '@tollgate/license-client'
import type { Jwks } from '@tollgate/license-client'
import type { PcrSet, SignedAnalysisResult } from '@tollgate/license-client/attestation'
import { EnclaveError } from '../errors.js'
import { ANALYSIS_TYPES } from '../analysis/types.js'
import type { AnalysisType } from '../analysis/types.js'
import { DEFAULT_RULES } from '../analysis/rules.js'
import { parseBytecode } from '../analysis/disassemble.js'
import { createKeyBroker } from '../broker/key-broker.js'
import {
  createDevelopmentCa,
  issueAttestationSigner,
  loadOrCreateDevelopmentCa,
} from '../launcher/development-ca.js'
import type { DevelopmentCa } from '../launcher/development-ca.js'
import { signAttestationDocument } from '../launcher/sign-attestation.js'
import { runWorker } from '../launcher/run-worker.js'
import { measure } from '../lib/pcr.js'
import { generateBundleKey, sealAnalysisBundle } from '../sealed/seal-analysis-bundle.js'
import { DEFAULT_LIMITS, resolveSandbox } from '../sandbox/spawn-worker.js'
import type { SandboxMode, WorkerLimits } from '../sandbox/spawn-worker.js'
import type { Probe, ProbeOutcome } from '../worker/protocol.js'
import { runtimeDescription } from './measure-runtime.js'
import { resolveWorkerPath } from './resolve-worker.js'
import { SEALED_ENTRY, WORKER_ENTRY, stageWorker } from './stage-worker.js'

export interface EnclaveRunnerOptions {
  /** Public keys that sign license tokens (the server's JWKS). */
  readonly jwks: Jwks | KeySet
  /** Worker file to measure and run; default: dist-worker/worker.mjs, or bundled on demand. */
  readonly workerPath?: string
  /** Development CA; default: loaded from `stateDir`, or generated for this runner. */
  readonly ca?: DevelopmentCa
  /** Sealed analysis bundle and its key (give both); default: DEFAULT_RULES sealed here. */
  readonly sealed?: { readonly bundle: Uint8Array; readonly key: Uint8Array }
  /** Measurements the key broker accepts; default: this runner's own measurement. */
  readonly allowedPcrs?: readonly PcrSet[]
  readonly limits?: Partial<WorkerLimits>
  /** 'auto' (default) uses bubblewrap when it works here. */
  readonly sandbox?: SandboxMode
  /** Directory for the persistent CA, bundle key and sealed bundle (stable measurements). */
  readonly stateDir?: string
  /** Called just before a worker process starts (metrics, audit logs). */
  readonly onWorkerStart?: (info: {
    readonly analysisType: AnalysisType
    readonly nonce: string
  }) => void
}

export interface AnalyzeRequest {
  readonly bytecode: string
  readonly analysisType: string
  readonly licenseToken: string
  /** 16..128 chars of [A-Za-z0-9_-]; default: 32 random bytes, base64url. */
  readonly nonce?: string
}

export interface EnclaveRunner {
  /** PCR0 (worker file), PCR1 (runtime) and PCR2 (sealed bundle), hex. Publish these. */
  readonly measurement: PcrSet
  /** The emulated root a verifier pins (with allowEmulated). */
  readonly rootCertificatePem: string
  /** What actually isolates the worker here. */
  readonly sandbox: 'bwrap' | 'none'
  /** Directory holding the staged worker and sealed bundle (re-measured at every launch). */
  readonly stagingDir: string
  analyze(request: AnalyzeRequest): Promise<SignedAnalysisResult>
  /** Run sandbox probes (only a self-test worker build answers them). */
  probe(probes: readonly Probe[]): Promise<ProbeOutcome[]>
  /** Remove the staging directory. */
  close(): void
}

const NONCE = /^[A-Za-z0-9_-]{16,128}$/
const MAX_CODE_BYTES = 64 * 1024
const SIGNER_ROTATE_MS = 60 * 60_000

function sealedState(opts: EnclaveRunnerOptions): { bundle: Uint8Array; key: Uint8Array } {
  if (opts.sealed) return opts.sealed
  if (!opts.stateDir) {
    const key = generateBundleKey()
    return { bundle: sealAnalysisBundle(DEFAULT_RULES, key), key }
  }
  const keyFile = join(opts.stateDir, 'bundle.key')
  const bundleFile = join(opts.stateDir, SEALED_ENTRY)
  if (existsSync(keyFile) && existsSync(bundleFile))
    return { key: readFileSync(keyFile), bundle: readFileSync(bundleFile) }
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 })
  const key = generateBundleKey()
  const bundle = sealAnalysisBundle(DEFAULT_RULES, key)
  writeFileSync(`${keyFile}.tmp`, key, { mode: 0o600 })
  writeFileSync(bundleFile, bundle, { mode: 0o600 })
  renameSync(`${keyFile}.tmp`, keyFile)
  return { key, bundle }
}

/**
 * Set up the three roles: the launcher (stages and measures the worker, signs Nitro-format
 * attestation documents with the development CA), the key broker (releases the sealed
 * bundle's key under policy) and the sandboxed worker that `analyze` starts per request.
 *
 * @example
 * ```ts
 * const runner = await createEnclaveRunner({ jwks })
 * const signed = await runner.analyze({ bytecode, analysisType: 'vulnerability', licenseToken, nonce })
 * runner.close()
 * ```
 */
export async function createEnclaveRunner(opts: EnclaveRunnerOptions): Promise<EnclaveRunner> {
  const keys = KeySet.from(opts.jwks)
  const limits: WorkerLimits = { ...DEFAULT_LIMITS, ...opts.limits }
  const sandbox = resolveSandbox(opts.sandbox ?? 'auto')
  const workerPath = opts.workerPath ?? (await resolveWorkerPath())
  const ca =
    opts.ca ?? (opts.stateDir ? loadOrCreateDevelopmentCa(opts.stateDir) : createDevelopmentCa())
  const sealed = sealedState(opts)
  const runtime = runtimeDescription(limits, sandbox)
  const staged = stageWorker(workerPath, sealed.bundle, runtime)
  const moduleId = `tollgate-emulated-enclave-${randomBytes(6).toString('hex')}`
  // Leaves live 3 hours (as Nitro's do); a long-running runner re-issues well before expiry.
  let signer = issueAttestationSigner(ca, moduleId)
  let signerIssuedAt = Date.now()
  const currentSigner = (): typeof signer => {
    if (Date.now() - signerIssuedAt > SIGNER_ROTATE_MS) {
      signer = issueAttestationSigner(ca, moduleId)
      signerIssuedAt = Date.now()
    }
    return signer
  }
  const broker = createKeyBroker({
    bundleKey: sealed.key,
    allowedPcrs: opts.allowedPcrs ?? [staged.measurement],
    trustedRoots: [ca.rootPem],
    allowEmulated: true,
    jwks: keys,
  })
  const host = {
    bundleDir: staged.dir,
    entry: staged.entry,
    limits,
    sandbox,
    broker,
    // An honest NSM reports what is about to run: re-measure the staged files every time.
    attest: (req: {
      publicKey: Uint8Array
      userData: Uint8Array
      nonce: Uint8Array
    }): Uint8Array => {
      const pcrs = new Map<number, Uint8Array>([
        [0, measure(readFileSync(join(staged.dir, WORKER_ENTRY)))],
        [1, measure(runtime)],
        [2, measure(readFileSync(join(staged.dir, SEALED_ENTRY)))],
      ])
      return signAttestationDocument(currentSigner(), moduleId, pcrs, req)
    },
  }

  return {
    measurement: staged.measurement,
    rootCertificatePem: ca.rootPem,
    sandbox,
    stagingDir: staged.dir,
    async analyze(req) {
      if (!ANALYSIS_TYPES.includes(req.analysisType as AnalysisType)) {
        throw new EnclaveError(
          'INVALID_ANALYSIS_TYPE',
          `analysis type must be one of ${ANALYSIS_TYPES.join(', ')}`,
        )
      }
      const type = req.analysisType as AnalysisType
      if (typeof req.bytecode !== 'string' || parseBytecode(req.bytecode).length > MAX_CODE_BYTES) {
        throw new EnclaveError(
          'INVALID_BYTECODE',
          `bytecode must be hex of at most ${MAX_CODE_BYTES} bytes`,
        )
      }
      const nonce = req.nonce ?? randomBytes(32).toString('base64url')
      if (!NONCE.test(nonce))
        throw new EnclaveError('INVALID_NONCE', 'nonce must be 16..128 characters of [A-Za-z0-9_-]')
      // Refuse before any worker starts; the broker checks again before releasing the key.
      let license
      try {
        license = verifyLicense(req.licenseToken, keys)
      } catch (err) {
        if (err instanceof LicenseError)
          throw new EnclaveError('LICENSE_INVALID', `license rejected: ${err.code}`, {
            reason: err.code,
          })
        throw err
      }
      if (!license.hasFeature(`analysis:${type}`)) {
        throw new EnclaveError(
          'NOT_ENTITLED',
          `license ${license.claims.lid} does not entitle analysis:${type}`,
        )
      }
      opts.onWorkerStart?.({ analysisType: type, nonce })
      const out = await runWorker(host, {
        bytecode: req.bytecode,
        analysisType: type,
        nonce,
        licenseToken: req.licenseToken,
      })
      if (out.kind !== 'result')
        throw new EnclaveError('WORKER_PROTOCOL', 'worker answered without a result')
      return out.signed
    },
    async probe(probes) {
      const nonce = randomBytes(24).toString('base64url')
      const out = await runWorker(host, {
        bytecode: '0x00',
        analysisType: 'vulnerability',
        nonce,
        licenseToken: '',
        probes,
      })
      if (out.kind !== 'probes')
        throw new EnclaveError('WORKER_PROTOCOL', 'worker is not a self-test build')
      return [...out.outcomes]
    },
    close: () => staged.remove(),
  }
}
