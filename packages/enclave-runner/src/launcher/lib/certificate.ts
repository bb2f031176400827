import { randomBytes, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { bits, bool, explicit, integer, octets, oid, seq, set, time, utf8 } from './der.js'

const ECDSA_SHA384 = seq(oid('1.2.840.10045.4.3.3'))
const NAME_OIDS: Readonly<Record<string, string>> = { CN: '2.5.4.3', O: '2.5.4.10', OU: '2.5.4.11' }

/** Distinguished name as ordered [attribute, value] pairs, e.g. [['O', 'Tollgate'], ['CN', 'x']]. */
export type Name = ReadonlyArray<readonly ['CN' | 'O' | 'OU', string]>

function name(n: Name): Buffer {
  return seq(...n.map(([k, v]) => set(seq(oid(NAME_OIDS[k] ?? '2.5.4.3'), utf8(v)))))
}

export interface CertificateSpec {
  readonly subject: Name
  readonly issuer: Name
  readonly publicKey: KeyObject
  readonly issuerKey: KeyObject
  readonly notBefore: Date
  readonly notAfter: Date
  /** CA certificates get basicConstraints cA=TRUE (with pathLen) and keyCertSign. */
  readonly ca?: { readonly pathLen: number }
}

/**
 * Build and sign (ECDSA P-384 / SHA-384) a DER X.509 v3 certificate: basicConstraints and
 * keyUsage, both critical. Enough for a Nitro-shaped chain that node:crypto verifies.
 */
export function createCertificate(spec: CertificateSpec): Buffer {
  const serial = randomBytes(16)
  serial[0] = (serial[0] ?? 0) & 0x7f
  const spki = spec.publicKey.export({ format: 'der', type: 'spki' })
  const basic = spec.ca ? seq(bool(true), integer(spec.ca.pathLen)) : seq()
  // keyUsage bits: digitalSignature = bit 0; keyCertSign = bit 5, cRLSign = bit 6.
  const keyUsage = spec.ca ? Buffer.of(0x03, 0x02, 0x01, 0x06) : Buffer.of(0x03, 0x02, 0x07, 0x80)
  const extensions = explicit(
    3,
    seq(
      seq(oid('2.5.29.19'), bool(true), octets(basic)),
      seq(oid('2.5.29.15'), bool(true), octets(keyUsage)),
    ),
  )
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    ECDSA_SHA384,
    name(spec.issuer),
    seq(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spki,
    extensions,
  )
  const signature = sign('sha384', tbs, spec.issuerKey)
  return seq(tbs, ECDSA_SHA384, bits(signature))
}
