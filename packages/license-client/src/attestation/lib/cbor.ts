// Minimal CBOR (RFC 8949) decoder for attestation documents: definite-length items only,
// which is all COSE_Sign1 and Nitro payloads use. Integers beyond 2^53 decode as bigint.
import { AttestationError } from '../errors.js'

/** A decoded CBOR value. Maps keep their key types (ints or strings), so they decode to Map. */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | Map<CborValue, CborValue>
  | CborTagged
  | CborFloat

export interface CborTagged {
  readonly tag: number
  readonly value: CborValue
}

/** Floats stay boxed so a float can never pass where the format requires an unsigned int. */
export interface CborFloat {
  readonly float: number
}

const MAX_DEPTH = 16

function fail(message: string): never {
  throw new AttestationError('ATTESTATION_MALFORMED', `CBOR: ${message}`)
}

/**
 * Decode one CBOR item that must span the whole input.
 *
 * @example
 * ```ts
 * decodeCbor(Uint8Array.of(0x82, 0x01, 0x02)) // [1, 2]
 * ```
 */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let pos = 0

  // Advance past n bytes and return where they start.
  const take = (n: number): number => {
    if (pos + n > bytes.length) fail('truncated input')
    pos += n
    return pos - n
  }
  const readArg = (info: number): number | bigint => {
    if (info < 24) return info
    if (info === 24) return bytes[take(1)] ?? 0
    if (info === 25) return view.getUint16(take(2))
    if (info === 26) return view.getUint32(take(4))
    if (info === 27) {
      const v = view.getBigUint64(take(8))
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
    }
    return fail(`unsupported additional info ${info} (indefinite lengths are not accepted)`)
  }
  const length = (info: number): number => {
    const n = readArg(info)
    if (typeof n === 'bigint' || n > bytes.length) fail('length exceeds input')
    return n
  }

  const item = (depth: number): CborValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep')
    const initial = bytes[take(1)] ?? 0
    const major = initial >> 5
    const info = initial & 0x1f
    switch (major) {
      case 0:
        return readArg(info)
      case 1: {
        const n = readArg(info)
        return typeof n === 'bigint' ? -1n - n : -1 - n
      }
      case 2: {
        const n = length(info)
        const at = take(n)
        return bytes.slice(at, at + n)
      }
      case 3: {
        const n = length(info)
        const at = take(n)
        try {
          return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at, at + n))
        } catch {
          return fail('text string is not valid UTF-8')
        }
      }
      case 4: {
        const n = length(info)
        const out: CborValue[] = []
        for (let i = 0; i < n; i++) out.push(item(depth + 1))
        return out
      }
      case 5: {
        const n = length(info)
        const out = new Map<CborValue, CborValue>()
        for (let i = 0; i < n; i++) {
          const k = item(depth + 1)
          if (out.has(k)) fail('duplicate map key')
          out.set(k, item(depth + 1))
        }
        return out
      }
      case 6: {
        const tag = readArg(info)
        if (typeof tag === 'bigint') fail('tag too large')
        return { tag, value: item(depth + 1) }
      }
      default: {
        if (info === 20) return false
        if (info === 21) return true
        if (info === 22) return null
        if (info === 23) return undefined
        if (info === 25) return { float: getFloat16(view, take(2)) }
        if (info === 26) return { float: view.getFloat32(take(4)) }
        if (info === 27) return { float: view.getFloat64(take(8)) }
        return fail(`unsupported simple value ${info}`)
      }
    }
  }

  const value = item(0)
  if (pos !== bytes.length) fail('trailing bytes after the item')
  return value
}

function getFloat16(view: DataView, at: number): number {
  const h = view.getUint16(at)
  const exp = (h >> 10) & 0x1f
  const mant = h & 0x3ff
  const sign = h & 0x8000 ? -1 : 1
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024)
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY
  return sign * 2 ** (exp - 15) * (1 + mant / 1024)
}

/** Encode the few shapes a COSE Sig_structure needs: arrays of text and byte strings. */
export function encodeCbor(
  value: string | Uint8Array | ReadonlyArray<string | Uint8Array>,
): Uint8Array {
  const parts: Uint8Array[] = []
  const head = (major: number, n: number): void => {
    if (n < 24) parts.push(Uint8Array.of((major << 5) | n))
    else if (n < 0x100) parts.push(Uint8Array.of((major << 5) | 24, n))
    else if (n < 0x10000) parts.push(Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff))
    else
      parts.push(
        Uint8Array.of((major << 5) | 26, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff),
      )
  }
  const one = (v: string | Uint8Array): void => {
    const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v
    head(typeof v === 'string' ? 3 : 2, bytes.length)
    parts.push(bytes)
  }
  if (Array.isArray(value)) {
    head(4, value.length)
    for (const v of value as ReadonlyArray<string | Uint8Array>) one(v)
  } else {
    one(value as string | Uint8Array)
  }
  return Buffer.concat(parts)
}
