import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCertificate } from './lib/certificate.js'
import type { Name } from './lib/certificate.js'

/** A locally generated stand-in for the AWS Nitro PKI: root -> intermediate (signs leaves). */
export interface DevelopmentCa {
  readonly rootPem: string
  readonly intermediatePem: string
  /** PKCS#8 PEM of the intermediate's P-384 key. Secret: keep it on the host. */
  readonly intermediateKeyPem: string
}

/** A leaf certificate and key for one launch, plus the bundle to put in the document. */
export interface AttestationSigner {
  readonly certificate: Uint8Array
  /** Root first, as Nitro orders cabundle. */
  readonly cabundle: readonly Uint8Array[]
  readonly privateKey: KeyObject
}

const ROOT: Name = [
  ['O', 'Tollgate'],
  ['OU', 'emulated'],
  ['CN', 'Tollgate Emulated Nitro Root CA'],
]
const INTERMEDIATE: Name = [
  ['O', 'Tollgate'],
  ['OU', 'emulated'],
  ['CN', 'Tollgate Emulated Nitro Intermediate CA'],
]
const DAY = 86_400_000

const p384 = (): { publicKey: KeyObject; privateKey: KeyObject } =>
  generateKeyPairSync('ec', { namedCurve: 'P-384' })
const pem = (der: Buffer): string => new X509Certificate(der).toString()

/**
 * Generate a development CA shaped like the Nitro PKI (P-384, ES384). Its names say
 * "Emulated" so verifiers refuse it unless told `allowEmulated`.
 *
 * @example
 * ```ts
 * const ca = createDevelopmentCa()
 * verifyAnalysisResult(signed, { trustedRoots: [ca.rootPem], allowEmulated: true, ... })
 * ```
 */
export function createDevelopmentCa(): DevelopmentCa {
  const root = p384()
  const inter = p384()
  const notBefore = new Date(Date.now() - 60_000)
  const rootDer = createCertificate({
    subject: ROOT,
    issuer: ROOT,
    publicKey: root.publicKey,
    issuerKey: root.privateKey,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 20 * 365 * DAY),
    ca: { pathLen: 2 },
  })
  const interDer = createCertificate({
    subject: INTERMEDIATE,
    issuer: ROOT,
    publicKey: inter.publicKey,
    issuerKey: root.privateKey,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * 365 * DAY),
    ca: { pathLen: 0 },
  })
  return {
    rootPem: pem(rootDer),
    intermediatePem: pem(interDer),
    intermediateKeyPem: inter.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  }
}

/**
 * Load the development CA from `dir/development-ca.json`, creating it (mode 0600) on first
 * use, so the root a verifier pins stays the same across restarts.
 *
 * @example
 * ```ts
 * const ca = loadOrCreateDevelopmentCa('.tollgate/enclave')
 * ```
 */
export function loadOrCreateDevelopmentCa(dir: string): DevelopmentCa {
  const file = join(dir, 'development-ca.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevelopmentCa
  const ca = createDevelopmentCa()
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  writeFileSync(`${file}.tmp`, JSON.stringify(ca), { mode: 0o600 })
  renameSync(`${file}.tmp`, file)
  return ca
}

/**
 * Issue the per-launch leaf certificate (3 hours, like Nitro's) whose key signs the
 * attestation documents of one worker.
 *
 * @example
 * ```ts
 * const signer = issueAttestationSigner(ca, 'tollgate-emulated-enclave-1f2e')
 * ```
 */
export function issueAttestationSigner(ca: DevelopmentCa, moduleId: string): AttestationSigner {
  const leaf = p384()
  const notBefore = new Date(Date.now() - 60_000)
  const der = createCertificate({
    subject: [
      ['O', 'Tollgate'],
      ['OU', 'emulated'],
      ['CN', moduleId],
    ],
    issuer: INTERMEDIATE,
    publicKey: leaf.publicKey,
    issuerKey: createPrivateKey(ca.intermediateKeyPem),
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3 * 3_600_000),
  })
  return {
    certificate: new Uint8Array(der),
    cabundle: [new X509Certificate(ca.rootPem).raw, new X509Certificate(ca.intermediatePem).raw],
    privateKey: leaf.privateKey,
  }
}
