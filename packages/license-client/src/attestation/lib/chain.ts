import { X509Certificate, createHash } from 'node:crypto'
import { AttestationError } from '../errors.js'

/** SHA-256 of the DER of the AWS Nitro Enclaves Root G1 certificate, as published by AWS. */
export const AWS_NITRO_ROOT_G1_SHA256 =
  '641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b'

/** A root the caller pins: PEM text, DER bytes or an X509Certificate. */
export type TrustedRoot = string | Uint8Array | X509Certificate

function parse(der: Uint8Array, what: string): X509Certificate {
  try {
    return new X509Certificate(der)
  } catch (cause) {
    throw new AttestationError('ATTESTATION_MALFORMED', `${what} is not a DER X.509 certificate`, {
      cause,
    })
  }
}

function sha256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex')
}

/** True when a certificate's name marks it as the emulated (development) Nitro CA. */
export function isEmulatedName(cert: X509Certificate): boolean {
  return /emulated/i.test(cert.subject) || /emulated/i.test(cert.issuer)
}

/**
 * Verify cabundle (root first, as Nitro orders it) + leaf: each link signed by the one
 * before, every issuer a CA, every certificate valid at `at`, the root self-signed and pinned.
 * Returns the parsed chain, root first and leaf last.
 */
export function verifyChain(
  cabundle: readonly Uint8Array[],
  leafDer: Uint8Array,
  opts: { trustedRoots: readonly TrustedRoot[]; allowEmulated: boolean; at: Date },
): X509Certificate[] {
  const chain = [
    ...cabundle.map((c, i) => parse(c, `cabundle[${i}]`)),
    parse(leafDer, 'certificate'),
  ]
  const root = chain[0]
  if (!root || chain.length < 2)
    throw new AttestationError('ATTESTATION_MALFORMED', 'cabundle is empty')
  if (chain.some(isEmulatedName) && !opts.allowEmulated) {
    throw new AttestationError(
      'EMULATED_NOT_ALLOWED',
      'attestation chains to the emulated development CA; pass allowEmulated to accept it',
    )
  }
  const rootDer = Buffer.from(cabundle[0] ?? new Uint8Array(0))
  const pinned =
    sha256(rootDer) === AWS_NITRO_ROOT_G1_SHA256 ||
    opts.trustedRoots.some((t) => {
      const cert =
        t instanceof X509Certificate
          ? t
          : new X509Certificate(typeof t === 'string' ? t : Buffer.from(t))
      return cert.raw.equals(rootDer)
    })
  if (!pinned)
    throw new AttestationError('ATTESTATION_UNTRUSTED_ROOT', 'root certificate is not pinned')
  if (!root.checkIssued(root) || !root.verify(root.publicKey))
    throw new AttestationError('ATTESTATION_BAD_CHAIN', 'root is not self-signed')
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]
    if (!cert) continue
    const from = new Date(cert.validFrom)
    const to = new Date(cert.validTo)
    if (opts.at < from || opts.at > to)
      throw new AttestationError(
        'ATTESTATION_BAD_CHAIN',
        `certificate ${i} is not valid at ${opts.at.toISOString()}`,
      )
    const issuer = chain[i - 1]
    if (!issuer) continue
    if (!issuer.ca)
      throw new AttestationError('ATTESTATION_BAD_CHAIN', `certificate ${i - 1} is not a CA`)
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      throw new AttestationError(
        'ATTESTATION_BAD_CHAIN',
        `certificate ${i} is not signed by certificate ${i - 1}`,
      )
    }
  }
  return chain
}
