/**
 * Tollgate enclave runner: license-gated analysis of EVM bytecode in a sandboxed, measured
 * worker, with results signed by an attested key (AWS Nitro Enclaves data formats; emulated).
 *
 * @example
 * ```ts
 * import { runAnalysis } from '@tollgate/enclave-runner'
 * const { signed, verification } = await runAnalysis({ bytecode, analysisType: 'vulnerability', licenseToken, jwks, nonce })
 * ```
 * @packageDocumentation
 */
export const VERSION = '0.1.0'

export { runAnalysis } from './run-analysis.js'
export type { AnalysisOutcome, RunAnalysisOptions } from './run-analysis.js'
export { createEnclaveRunner } from './runner/create-enclave-runner.js'
export type {
  AnalyzeRequest,
  EnclaveRunner,
  EnclaveRunnerOptions,
} from './runner/create-enclave-runner.js'
export { bundleWorker, SELF_TEST_MARKER } from './runner/bundle-worker.js'
export { measureWorker } from './runner/measure-worker.js'
export type { MeasureWorkerOptions } from './runner/measure-worker.js'
export type { BundleWorkerOptions } from './runner/bundle-worker.js'

export { createKeyBroker } from './broker/key-broker.js'
export type {
  KeyBroker,
  KeyBrokerOptions,
  KeyRefusalCode,
  KeyReleaseRequest,
  KeyReleaseResult,
} from './broker/key-broker.js'
export {
  createDevelopmentCa,
  loadOrCreateDevelopmentCa,
  issueAttestationSigner,
} from './launcher/development-ca.js'
export type { AttestationSigner, DevelopmentCa } from './launcher/development-ca.js'
export { signAttestationDocument } from './launcher/sign-attestation.js'
export type { AttestationRequest } from './launcher/sign-attestation.js'
export { detectBwrap } from './sandbox/bwrap.js'
export type { BwrapStatus } from './sandbox/bwrap.js'
export { DEFAULT_LIMITS } from './sandbox/spawn-worker.js'
export type { SandboxMode, WorkerLimits } from './sandbox/spawn-worker.js'
export type { Probe, ProbeOutcome } from './worker/protocol.js'

export { sealAnalysisBundle, generateBundleKey } from './sealed/seal-analysis-bundle.js'
export { openAnalysisBundle } from './sealed/open-analysis-bundle.js'

export { analyzeBytecode, ENGINE_VERSION } from './analysis/analyze.js'
export type { AnalysisReport } from './analysis/analyze.js'
export { disassemble, parseBytecode, findMetadataOffset } from './analysis/disassemble.js'
export type { Disassembly, Instruction } from './analysis/disassemble.js'
export { extractSelectors } from './analysis/selectors.js'
export { DEFAULT_RULES } from './analysis/rules.js'
export { ANALYSIS_TYPES } from './analysis/types.js'
export type {
  AnalysisRules,
  AnalysisType,
  Confidence,
  DetectorId,
  Evidence,
  Finding,
  Severity,
} from './analysis/types.js'

export { EnclaveError } from './errors.js'
export type { EnclaveErrorCode } from './errors.js'
