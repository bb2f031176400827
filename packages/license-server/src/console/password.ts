import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const N = 16_384
const R = 8
const P = 1
const KEY_LEN = 32

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: n, r, p, maxmem: 128 * n * r * 2 }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LEN, opts, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/**
 * Hashes a password with scrypt (random salt): `scrypt$N$r$p$salt$hash`.
 *
 * @example
 * ```ts
 * const stored = await hashPassword('correct horse battery staple')
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, N, R, P)
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

// A hash to check against when the account does not exist: the answer takes as long either way.
const DUMMY = `scrypt$${N}$${R}$${P}$${'A'.repeat(22)}$${'A'.repeat(43)}`

/**
 * Checks a password against a stored hash in constant time. `stored` null (unknown account)
 * still runs scrypt, so timing does not reveal which emails have accounts.
 *
 * @example
 * ```ts
 * if (!(await verifyPassword(input, row?.password_hash ?? null))) fail()
 * ```
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? DUMMY).split('$')
  const [scheme, n, r, p, salt, hash] = parts
  if (parts.length !== 6 || scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    Number(n),
    Number(r),
    Number(p),
  )
  return stored !== null && key.length === expected.length && timingSafeEqual(key, expected)
}
