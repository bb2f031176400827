// The three files of offline activation (see docs/token-format.md, "Offline activation").
/** The `typ` headers of the two signed offline files; a signature over one never passes as another. */
export const OFFLINE_TYP = {
  machineFile: 'tollgate-machine+jwt',
  deactivation: 'tollgate-deactivation+jwt',
} as const

/** The `format` member of an activation request. */
export const ACTIVATION_REQUEST_FORMAT = 'tollgate-activation-request'

/** Largest activation request accepted, in bytes (a real one is well under 1 KB). */
export const MAX_ACTIVATION_REQUEST_BYTES = 16 * 1024

/** Largest deactivation proof accepted, in characters. */
export const MAX_DEACTIVATION_PROOF_LENGTH = 8 * 1024

/** Largest embedded revocation checkpoint: a bigger list is left out of the machine file. */
export const MAX_EMBEDDED_REVOCATIONS_LENGTH = 1024 * 1024

/** Largest machine file accepted, in characters (claims plus the largest embedded list). */
export const MAX_MACHINE_FILE_LENGTH = MAX_EMBEDDED_REVOCATIONS_LENGTH + 16 * 1024

/** The public half of a deployment's own Ed25519 key (a JWK without `kid`). */
export interface DeploymentPublicKey {
  kty: 'OKP'
  crv: 'Ed25519'
  /** base64url of the 32-byte public key. */
  x: string
}

/** What an air-gapped machine asks for (a JSON file written by the client SDK). */
export interface ActivationRequest {
  format: typeof ACTIVATION_REQUEST_FORMAT
  version: 1
  licenseId: string
  /** The client's deployment id (the same one online activation uses). */
  deploymentId: string
  /** The machine fingerprint used for seat binding: hashed, never raw identifiers. */
  fingerprint: { machineId: string; hostname: string; container: string | false }
  appVersion: string | null
  /** 16 random bytes, base64url: one request, one activation. */
  nonce: string
  /** When the request was written (the machine's clock, ISO 8601). */
  createdAt: string
  /** Signs this deployment's deactivation proof later (see `signDeactivationProof`). */
  deploymentKey: DeploymentPublicKey
}

/** The signed payload of a machine file. */
export interface MachineFileClaims {
  typ: 'machine'
  v: 1
  /** The offline activation's id (`oac_...`): a deactivation proof names it. */
  jti: string
  /** Tenant (vendor) id, as in license keys. */
  iss?: string
  lid: string
  deployment: string
  /** The machine fingerprint (`machineId`) the file is bound to. */
  fpr: string
  /** `x` of the deployment key named in the request. */
  dpk: string
  /** The request's nonce. */
  nonce: string
  /** Server time of signing, unix seconds (feeds the client's trusted time). */
  iat: number
  nbf: number
  /** End of the file's validity, unix seconds. */
  exp: number
  /** Optional revocation checkpoint: the tenant's signed revocation list at signing time. */
  rl?: string
}

/** The signed payload of a deactivation proof (signed by the deployment key). */
export interface DeactivationProofClaims {
  typ: 'deactivation'
  v: 1
  /** The machine file's `jti`. */
  act: string
  lid: string
  deployment: string
  fpr: string
  /** When the machine gave the seat up (its clock), unix seconds. */
  iat: number
  nonce: string
}
