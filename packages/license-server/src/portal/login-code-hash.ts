import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto'

// Six digits are only 10^6 codes: a fast hash would be reversed at once from a leaked table.
// scrypt with a per-code salt makes each guess cost real work; attempts are limited online.
const PARAMS = { N: 4096, r: 8, p: 1 } as const
const LENGTH = 32

function derive(code: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(code, Buffer.from(salt, 'hex'), LENGTH, PARAMS, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

/**
 * A fresh uniformly random 6-digit code (leading zeros kept).
 *
 * @example
 * ```ts
 * newLoginCode() // '048213'
 * ```
 */
export function newLoginCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0')
}

/**
 * Salted scrypt hash of a code, for storage.
 *
 * @example
 * ```ts
 * const { hash, salt } = await hashLoginCode('048213')
 * ```
 */
export async function hashLoginCode(code: string): Promise<{ hash: string; salt: string }> {
  const salt = randomBytes(16).toString('hex')
  return { hash: (await derive(code, salt)).toString('hex'), salt }
}

/**
 * Whether `code` matches the stored hash, compared in constant time.
 *
 * @example
 * ```ts
 * if (await loginCodeMatches(input, row.code_hash, row.salt)) { ... }
 * ```
 */
export async function loginCodeMatches(code: string, hash: string, salt: string): Promise<boolean> {
  const got = await derive(code, salt)
  const want = Buffer.from(hash, 'hex')
  return want.length === got.length && timingSafeEqual(got, want)
}
