// base64url helpers on top of Buffer: Node's codec is native and far faster than a JS loop.
const B64URL = /^[A-Za-z0-9_-]*$/

/** Decodes strict base64url (no padding, no foreign characters); returns undefined when invalid. */
export function decodeBase64url(input: string): Buffer | undefined {
  if (!B64URL.test(input) || input.length % 4 === 1) return undefined
  const out = Buffer.from(input, 'base64url')
  // Reject non-canonical encodings (trailing bits set) so one value has exactly one encoding.
  if (out.toString('base64url') !== input) return undefined
  return out
}

export function encodeBase64url(input: Uint8Array | string): string {
  return Buffer.from(input).toString('base64url')
}
