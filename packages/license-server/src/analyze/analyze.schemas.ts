import { Type } from 'typebox'

/** Largest bytecode the runner accepts, in bytes. */
export const MAX_BYTECODE_BYTES = 64 * 1024

/**
 * Body limit of `POST /v1/analyze`: 64 KiB of code is 128 KiB of hex, plus a `0x`, some
 * whitespace, the license key and the JSON around them.
 */
export const ANALYZE_BODY_LIMIT = 160 * 1024

const Hex = Type.String({ pattern: '^[0-9a-f]+$' })

/** PCR index -> lowercase hex (SHA-384). */
export const PcrSetSchema = Type.Record(Type.String({ pattern: '^[0-9]{1,2}$' }), Hex)

/** `POST /v1/analyze` body. */
export const AnalyzeBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 8192 }),
    bytecode: Type.String({ minLength: 1, maxLength: 2 * MAX_BYTECODE_BYTES + 4096 }),
    analysisType: Type.Union([
      Type.Literal('vulnerability'),
      Type.Literal('mev'),
      Type.Literal('honeypot'),
    ]),
    nonce: Type.String({ pattern: '^[A-Za-z0-9_-]{16,128}$' }),
  },
  { additionalProperties: false },
)

/**
 * The signed result as the runner produced it. Relayed byte for byte: the signature covers
 * the canonical JSON of `result`, so the serializer must keep every field (hence
 * `additionalProperties: true` and untyped findings).
 */
const SignedResultSchema = Type.Object(
  {
    result: Type.Object(
      {
        analysisType: Type.String(),
        codeHash: Type.String(),
        findings: Type.Array(Type.Unknown()),
        engineVersion: Type.String(),
        licenseId: Type.String(),
        nonce: Type.String(),
        timestamp: Type.Integer(),
      },
      { additionalProperties: true },
    ),
    signature: Type.String(),
    attestation: Type.String(),
  },
  { additionalProperties: true },
)

const Sandbox = Type.Union([Type.Literal('bwrap'), Type.Literal('none')])

/** `POST /v1/analyze` answer: pass `verification` (with your bytecode and nonce) to the verifier. */
export const AnalyzeResponse = Type.Object({
  signed: SignedResultSchema,
  verification: Type.Object({
    allowedPcrs: Type.Array(PcrSetSchema),
    trustedRoots: Type.Array(Type.String()),
    allowEmulated: Type.Literal(true),
  }),
  sandbox: Sandbox,
})

/** `GET /v1/analyze/attestation` query. */
export const AttestationQuery = Type.Object(
  { tenant: Type.Optional(Type.String({ pattern: '^ten_[0-9a-z]+$', maxLength: 64 })) },
  { additionalProperties: false },
)

/** What a client pins: the runner's measurement and emulated root. */
export const AttestationInfo = Type.Object({
  measurement: PcrSetSchema,
  rootCertificatePem: Type.String(),
  allowEmulated: Type.Literal(true),
  sandbox: Sandbox,
})
