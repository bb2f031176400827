/** Shape checks shared by the revocation list and delta verifiers. */
export const isIdList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string')

/** A unix time in seconds. */
export const isTime = (n: unknown): n is number =>
  typeof n === 'number' && Number.isFinite(n) && n >= 0

/** A list version: a non-negative safe integer. */
export const isVersion = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0
