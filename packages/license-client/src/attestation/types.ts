import type { TrustedRoot } from './lib/chain.js'

export type { TrustedRoot }

/** Expected PCR values: PCR index -> lowercase hex (96 chars for SHA-384). */
export type PcrSet = Readonly<Record<number, string>>

/** A verified Nitro-format attestation document. */
export interface AttestationDocument {
  readonly moduleId: string
  readonly digest: 'SHA384'
  /** Milliseconds since the Unix epoch, as Nitro encodes it. */
  readonly timestamp: number
  /** PCR index -> lowercase hex. */
  readonly pcrs: Readonly<Record<number, string>>
  readonly certificate: Uint8Array
  readonly cabundle: readonly Uint8Array[]
  readonly publicKey: Uint8Array | null
  readonly userData: Uint8Array | null
  readonly nonce: Uint8Array | null
  /** True when the chain ends in the emulated development CA (no hardware isolation). */
  readonly emulated: boolean
}

export interface VerifyAttestationOptions {
  /** Extra pinned roots (PEM, DER or X509Certificate). The AWS Nitro root is always pinned. */
  readonly trustedRoots?: readonly TrustedRoot[]
  /** Accept a chain ending in the emulated development CA. Off by default. */
  readonly allowEmulated?: boolean
  /** The document's PCRs must match every entry of at least one set. */
  readonly allowedPcrs?: readonly PcrSet[]
  /** Expected nonce (a string is compared as its UTF-8 bytes). */
  readonly nonce?: string | Uint8Array
  /** Time for certificate validity and freshness; defaults to the document's own timestamp. */
  readonly now?: Date | number
  /** Reject documents older than this many ms before `now` (or dated more than this ahead). */
  readonly maxAgeMs?: number
}

/** The canonical, signed result of one analysis. */
export interface AnalysisResultPayload {
  readonly analysisType: string
  /** `sha256:` + hex of the submitted bytecode bytes. */
  readonly codeHash: string
  readonly findings: readonly unknown[]
  readonly engineVersion: string
  readonly licenseId: string
  readonly nonce: string
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: number
}

/** What the runner returns: the result, the worker's Ed25519 signature and its attestation. */
export interface SignedAnalysisResult {
  readonly result: AnalysisResultPayload
  /** base64url Ed25519 signature over canonicalJson(result). */
  readonly signature: string
  /** base64 COSE_Sign1 attestation document binding the signing key and the nonce. */
  readonly attestation: string
}

export interface VerifyAnalysisResultOptions extends Omit<
  VerifyAttestationOptions,
  'nonce' | 'allowedPcrs'
> {
  /** The bytecode that was submitted (hex string or bytes); its hash must match codeHash. */
  readonly bytecode: string | Uint8Array
  /** The nonce the caller sent with the request. */
  readonly nonce: string
  /** Published measurements of the runner builds you trust (required: no default). */
  readonly allowedPcrs: readonly PcrSet[]
}

export interface VerifiedAnalysisResult {
  readonly result: AnalysisResultPayload
  readonly attestation: AttestationDocument
}
