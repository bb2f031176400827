import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { AppError } from '../errors/app-error.js'

/**
 * Encrypts with AES-256-GCM; output is base64(iv | tag | ciphertext). `aad` binds the
 * ciphertext to its row (a key copied to another row fails to decrypt).
 */
export function seal(masterKey: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv)
  cipher.setAAD(Buffer.from(aad))
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')
}

/** Reverses {@link seal}; a wrong master key or aad throws INTERNAL_ERROR (never the secret). */
export function open(masterKey: Buffer, sealed: string, aad: string): string {
  const raw = Buffer.from(sealed, 'base64')
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, 12))
    decipher.setAAD(Buffer.from(aad))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  } catch (cause) {
    throw new AppError(
      'INTERNAL_ERROR',
      'A signing key could not be decrypted: is MASTER_KEY the one it was encrypted with?',
      { cause },
    )
  }
}
