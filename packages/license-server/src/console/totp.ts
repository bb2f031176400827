import { createHmac, randomBytes } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const STEP_S = 30

/** RFC 4648 base32 without padding. */
export function base32Encode(bytes: Buffer): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

function base32Decode(text: string): Buffer {
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const i = ALPHABET.indexOf(c)
    if (i < 0) continue
    value = (value << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/**
 * A new TOTP secret (160 bits, base32), as authenticator apps expect.
 *
 * @example
 * ```ts
 * const secret = newTotpSecret() // 'JBSWY3DPEHPK3PXP...'
 * ```
 */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20))
}

/**
 * The 6-digit RFC 6238 code (HMAC-SHA1, 30 s) of a time step.
 *
 * @example
 * ```ts
 * totpCode(secret, totpStep(new Date()))
 * ```
 */
export function totpCode(secret: string, step: number): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest()
  const offset = mac[mac.length - 1]! & 15
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return n.toString().padStart(6, '0')
}

/** The TOTP time step of an instant. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / STEP_S)
}

/**
 * The step a code matches within ±1 step of `at` and after `lastStep` (no replay), or null.
 *
 * @example
 * ```ts
 * const step = matchTotp(secret, '123456', now, row.totp_last_step)
 * ```
 */
export function matchTotp(
  secret: string,
  code: string,
  at: Date,
  lastStep: number | null,
): number | null {
  if (!/^\d{6}$/.test(code)) return null
  const now = totpStep(at)
  for (const step of [now - 1, now, now + 1]) {
    if (lastStep !== null && step <= lastStep) continue
    if (totpCode(secret, step) === code) return step
  }
  return null
}

/**
 * The `otpauth://` URI an authenticator app imports.
 *
 * @example
 * ```ts
 * totpUri(secret, 'alice@vendor.test', 'Tollgate')
 * ```
 */
export function totpUri(secret: string, account: string, issuer: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`)
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`
}
