// CRC-32 (IEEE 802.3, the zlib polynomial) in plain JS so the checksum works in every runtime.
// CRC-32 detects every single-byte and every burst error up to 32 bits, which is exactly what
// a mistyped or truncated key looks like.
const TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 of the string's UTF-16 code units (tokens are ASCII, so this equals CRC over bytes). */
export function crc32(input: string): number {
  let crc = 0xffffffff
  for (let i = 0; i < input.length; i++) {
    crc = TABLE[(crc ^ input.charCodeAt(i)) & 0xff]! ^ (crc >>> 8)
  }
  return (crc ^ 0xffffffff) >>> 0
}

export function crc32Hex(input: string): string {
  return crc32(input).toString(16).padStart(8, '0')
}
