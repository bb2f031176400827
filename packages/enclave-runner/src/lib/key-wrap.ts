// Key release travels through the (untrusted) host, so the broker encrypts the bundle key to
// the worker's attested X25519 key: ECDH with an ephemeral key, HKDF-SHA-256, AES-256-GCM.
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from 'node:crypto'
import type { KeyObject } from 'node:crypto'

/** The bundle key encrypted to one worker. All fields base64. */
export interface WrappedKey {
  readonly epk: string
  readonly iv: string
  readonly ct: string
  readonly tag: string
}

const INFO = Buffer.from('tollgate-key-release-v1', 'utf8')

function kek(priv: KeyObject, pub: KeyObject, context: Uint8Array): Buffer {
  const shared = diffieHellman({ privateKey: priv, publicKey: pub })
  return Buffer.from(hkdfSync('sha256', shared, context, INFO, 32))
}

/** Encrypt `key` to the X25519 public key given as SPKI DER; `context` (the nonce) is bound. */
export function wrapKey(
  key: Uint8Array,
  recipientSpki: Uint8Array,
  context: Uint8Array,
): WrappedKey {
  const recipient = createPublicKey({
    key: Buffer.from(recipientSpki),
    format: 'der',
    type: 'spki',
  })
  if (recipient.asymmetricKeyType !== 'x25519') throw new TypeError('recipient key must be X25519')
  const eph = generateKeyPairSync('x25519')
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', kek(eph.privateKey, recipient, context), iv)
  const ct = Buffer.concat([cipher.update(key), cipher.final()])
  return {
    epk: eph.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  }
}

/** Inverse of {@link wrapKey}, run by the worker with its X25519 private key. */
export function unwrapKey(
  wrapped: WrappedKey,
  privateKey: KeyObject,
  context: Uint8Array,
): Uint8Array {
  const epk = createPublicKey({
    key: Buffer.from(wrapped.epk, 'base64'),
    format: 'der',
    type: 'spki',
  })
  const decipher = createDecipheriv(
    'aes-256-gcm',
    kek(privateKey, epk, context),
    Buffer.from(wrapped.iv, 'base64'),
  )
  decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'))
  return new Uint8Array(
    Buffer.concat([decipher.update(Buffer.from(wrapped.ct, 'base64')), decipher.final()]),
  )
}
