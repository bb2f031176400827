// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
])

/**
 * True when the S half of an Ed25519 signature is canonical (S < L). RFC 8032 §5.1.7 requires
 * this check; tweetnacl skips it, so S + L would verify there and make signatures malleable.
 * The comparison is over public data, so it need not be constant time.
 */
export function isCanonicalS(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i]!
    const l = L[i]!
    if (s < l) return true
    if (s > l) return false
  }
  return false // S == L
}
