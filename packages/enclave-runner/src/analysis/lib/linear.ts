import type { Expr } from './expr.js'

/** `base + off`: a memory offset the interpreter can compare with others of the same base. */
export interface Linear {
  /** Identity of the symbolic part; '' for a constant offset. */
  readonly key: string
  readonly off: bigint
}

const U256 = (1n << 256n) - 1n
// Shared placeholders stand for many different values: never a base.
const NO_IDENTITY = new Set(['UNKNOWN', 'WIDE'])
const ids = new WeakMap<Expr, string>()
let nextId = 0

// Identity of a symbolic value: the node itself. Values are immutable and passed around by
// reference, so the same node is the same value (the pointer a path read once and kept on the
// stack or in memory), while two separate reads of the free memory pointer never alias.
function identity(e: Expr): string | undefined {
  if (e.k === 'const' || NO_IDENTITY.has(e.op)) return undefined
  let id = ids.get(e)
  if (id === undefined) {
    id = `#${(nextId++).toString(36)}`
    ids.set(e, id)
  }
  return id
}

/**
 * `e` as a symbolic base plus a constant: `ADD(ADD(p, 4), 32)` is `p + 36`. Undefined when the
 * value has no identity (an unknown or widened value).
 *
 * @example
 * ```ts
 * linear(op('ADD', [fmp, constant(4n)])) // { key: '#3', off: 4n }
 * ```
 */
export function linear(e: Expr): Linear | undefined {
  const [x, off] = split(e)
  if (x.k === 'const') return { key: '', off: (off + x.v) & U256 }
  const key = identity(x)
  return key === undefined ? undefined : { key, off: off & U256 }
}

/**
 * `a - b` when both are offsets from the same symbolic base: the length of call data built at
 * a free memory pointer that a dynamic-size value moved (`end - start`).
 *
 * @example
 * ```ts
 * difference(op('ADD', [p, constant(100n)]), p) // 100n
 * ```
 */
export function difference(a: Expr, b: Expr): bigint | undefined {
  if (a.k === 'const' || b.k === 'const') return undefined
  const [x, dx] = split(a)
  const [y, dy] = split(b)
  if (x !== y || x.k === 'const' || NO_IDENTITY.has(x.op)) return undefined
  return (dx - dy) & U256
}

// The non-constant base of nested `ADD(x, c)` and the sum of the constants.
function split(e: Expr): [Expr, bigint] {
  let off = 0n
  let x = e
  while (x.k === 'op' && x.op === 'ADD' && x.args.length === 2) {
    const [a, b] = x.args as [Expr, Expr]
    if (a.k === 'const') [off, x] = [off + a.v, b]
    else if (b.k === 'const') [off, x] = [off + b.v, a]
    else break
  }
  return [x, off]
}
