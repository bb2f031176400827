// Just enough DER (X.690) to build X.509 certificates for the development CA.

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.of(n)
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.of(0x80 | bytes.length, ...bytes)
}

export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(tag), length(content.length), content])
}

export const seq = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items))
export const set = (...items: Uint8Array[]): Buffer => tlv(0x31, Buffer.concat(items))
export const explicit = (n: number, inner: Uint8Array): Buffer => tlv(0xa0 + n, inner)
export const octets = (b: Uint8Array): Buffer => tlv(0x04, b)
export const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'))
export const bool = (v: boolean): Buffer => tlv(0x01, Buffer.of(v ? 0xff : 0))

/** Unsigned big-endian INTEGER (a leading zero is added when the top bit is set). */
export function integer(value: Uint8Array | number): Buffer {
  let b = typeof value === 'number' ? Buffer.of(value) : Buffer.from(value)
  while (b.length > 1 && b[0] === 0 && ((b[1] ?? 0) & 0x80) === 0) b = b.subarray(1)
  if (((b[0] ?? 0) & 0x80) !== 0) b = Buffer.concat([Buffer.of(0), b])
  return tlv(0x02, b)
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const out: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)]
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f]
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128))
      chunk.unshift(0x80 | (v & 0x7f))
    out.push(...chunk)
  }
  return tlv(0x06, Buffer.from(out))
}

/** BIT STRING with no unused bits. */
export const bits = (b: Uint8Array): Buffer => tlv(0x03, Buffer.concat([Buffer.of(0), b]))

/** UTCTime for years before 2050, GeneralizedTime after, as RFC 5280 requires. */
export function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii'))
    : tlv(0x18, Buffer.from(iso, 'ascii'))
}
