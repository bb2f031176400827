import { randomBytes, scrypt } from 'node:crypto'
import { AppError } from '../errors/app-error.js'

/** scrypt parameters of format version 1 (about 64 MiB of memory, ~100 ms per derivation). */
const SCRYPT = { N: 2 ** 16, r: 8, p: 1, maxmem: 128 * 1024 * 1024 } as const

/** The key-derivation record stored in an export's header. */
export interface ExportKdf {
  name: 'scrypt'
  salt: string
  N: number
  r: number
  p: number
}

/** Passphrases shorter than this are refused: they would not protect signing keys. */
export const MIN_PASSPHRASE_LENGTH = 12

function derive(
  passphrase: string,
  salt: Buffer,
  kdf: Omit<ExportKdf, 'name' | 'salt'>,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, 32, { ...kdf, maxmem: SCRYPT.maxmem }, (err, key) => {
      if (err) reject(err)
      else resolve(key)
    })
  })
}

/**
 * Derives a fresh export key from a passphrase (new random salt): private signing keys in the
 * file are sealed under it, never under the server's master key.
 *
 * @example
 * ```ts
 * const { key, kdf } = await newExportKey('correct horse battery staple')
 * ```
 */
export async function newExportKey(passphrase: string): Promise<{ key: Buffer; kdf: ExportKdf }> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new AppError(
      'VALIDATION_FAILED',
      `The export passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`,
    )
  }
  const salt = randomBytes(16)
  const kdf: ExportKdf = {
    name: 'scrypt',
    salt: salt.toString('base64'),
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
  }
  return { key: await derive(passphrase, salt, kdf), kdf }
}

/**
 * Re-derives the key of an export from its header's record. Parameters outside what this
 * version writes are refused (a crafted header must not make the server spend unbounded memory).
 *
 * @example
 * ```ts
 * const key = await exportKeyFrom(passphrase, header.kdf)
 * ```
 */
export async function exportKeyFrom(passphrase: string, kdf: unknown): Promise<Buffer> {
  const k = kdf as Partial<ExportKdf> | null
  if (
    k === null ||
    typeof k !== 'object' ||
    k.name !== 'scrypt' ||
    typeof k.salt !== 'string' ||
    k.N !== SCRYPT.N ||
    k.r !== SCRYPT.r ||
    k.p !== SCRYPT.p
  ) {
    throw new AppError('IMPORT_FORMAT_INVALID', 'The header names an unknown key derivation')
  }
  return derive(passphrase, Buffer.from(k.salt, 'base64'), { N: k.N, r: k.r, p: k.p })
}
