import { timingSafeEqual } from 'node:crypto'

/** Constant-time equality for byte strings of possibly different lengths. */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Parse EVM bytecode given as hex (0x optional, whitespace ignored) or bytes. */
export function bytecodeBytes(input: string | Uint8Array): Uint8Array | undefined {
  if (input instanceof Uint8Array) return input
  const hex = input.trim().replace(/^0x/i, '').replace(/\s+/g, '')
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}
