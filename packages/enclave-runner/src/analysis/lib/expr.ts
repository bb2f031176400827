// Symbolic values tracked by the abstract interpreter. Each node caches a bitmask of the
// environment sources it depends on, so detectors can ask "does this depend on CALLER?"
// in O(1) even after a deep expression was collapsed.

export const T = {
  CALLER: 1 << 0,
  ORIGIN: 1 << 1,
  CALLDATA: 1 << 2,
  SLOAD: 1 << 3,
  CALLVALUE: 1 << 4,
  SELFBALANCE: 1 << 5,
  BALANCE: 1 << 6,
  COINBASE: 1 << 7,
  CALLRET: 1 << 8,
  TIMESTAMP: 1 << 9,
  UNKNOWN: 1 << 10,
  /** Data an external call returned (return data, or memory it wrote). */
  RETDATA: 1 << 11,
} as const

const ENV_TAGS: Readonly<Record<string, number>> = {
  CALLER: T.CALLER,
  ORIGIN: T.ORIGIN,
  CALLVALUE: T.CALLVALUE,
  SELFBALANCE: T.SELFBALANCE,
  COINBASE: T.COINBASE,
  TIMESTAMP: T.TIMESTAMP,
  NUMBER: T.TIMESTAMP,
  RETURNDATASIZE: T.RETDATA,
}

export type Expr =
  | {
      readonly k: 'const'
      readonly v: bigint
      readonly tags: 0
      readonly depth: 0
      readonly rets: readonly number[]
    }
  | {
      readonly k: 'op'
      readonly op: string
      readonly args: readonly Expr[]
      readonly pc: number
      readonly tags: number
      readonly depth: number
      readonly rets: readonly number[]
    }

const NO_RETS: readonly number[] = []
const MAX_DEPTH = 14
const U256 = (1n << 256n) - 1n

export function constant(v: bigint): Expr {
  return { k: 'const', v: v & U256, tags: 0, depth: 0, rets: NO_RETS }
}

export const UNKNOWN: Expr = {
  k: 'op',
  op: 'UNKNOWN',
  args: [],
  pc: -1,
  tags: T.UNKNOWN,
  depth: 0,
  rets: NO_RETS,
}

function mergeRets(args: readonly Expr[]): readonly number[] {
  let out: number[] | undefined
  for (const a of args) {
    if (a.rets.length === 0) continue
    out ??= []
    for (const r of a.rets) if (!out.includes(r) && out.length < 8) out.push(r)
  }
  return out ?? NO_RETS
}

/**
 * Build an operation node, folding constants and collapsing nodes that grow too deep.
 * `extraTags` marks sources the arguments do not show (memory a copy or a call wrote).
 */
export function op(name: string, args: readonly Expr[], pc = -1, extraTags = 0): Expr {
  const folded = fold(name, args)
  if (folded !== undefined) return folded
  let tags = (ENV_TAGS[name] ?? 0) | extraTags
  if (name === 'CALLDATALOAD' || name === 'CALLDATACOPY') tags |= T.CALLDATA
  if (name === 'SLOAD') tags |= T.SLOAD
  if (name === 'BALANCE') tags |= T.BALANCE
  let depth = 0
  for (const a of args) {
    tags |= a.tags
    if (a.depth > depth) depth = a.depth
  }
  const rets = name === 'CALLRET' ? [pc] : mergeRets(args)
  if (name === 'CALLRET') tags |= T.CALLRET
  if (depth + 1 > MAX_DEPTH) return { k: 'op', op: 'OPAQUE', args: [], pc, tags, depth: 1, rets }
  return { k: 'op', op: name, args, pc, tags, depth: depth + 1, rets }
}

// prettier-ignore
function fold(name: string, args: readonly Expr[]): Expr | undefined {
  const a = args[0]
  const b = args[1]
  if (a?.k !== 'const') return undefined
  if (args.length === 1) {
    if (name === 'ISZERO') return constant(a.v === 0n ? 1n : 0n)
    if (name === 'NOT') return constant(~a.v)
    return undefined
  }
  if (args.length !== 2 || b?.k !== 'const') return undefined
  const x = a.v
  const y = b.v
  switch (name) {
    case 'ADD': return constant(x + y)
    case 'SUB': return constant(x - y)
    case 'MUL': return constant(x * y)
    case 'DIV': return constant(y === 0n ? 0n : x / y)
    case 'MOD': return constant(y === 0n ? 0n : x % y)
    case 'AND': return constant(x & y)
    case 'OR': return constant(x | y)
    case 'XOR': return constant(x ^ y)
    case 'EXP': return x < 1024n && y < 256n ? constant(x ** y) : undefined
    case 'SHL': return x < 256n ? constant(y << x) : constant(0n)
    case 'SHR': return x < 256n ? constant(y >> x) : constant(0n)
    case 'LT': return constant(x < y ? 1n : 0n)
    case 'GT': return constant(x > y ? 1n : 0n)
    case 'EQ': return constant(x === y ? 1n : 0n)
    default: return undefined
  }
}

/** True when `e` (or anything it was computed from) depends on every bit in `tag`. */
export function has(e: Expr, tag: number): boolean {
  return (e.tags & tag) === tag
}

/** Depth-first search for the first node satisfying `pred`. */
export function find(e: Expr, pred: (n: Expr) => boolean): Expr | undefined {
  if (pred(e)) return e
  if (e.k === 'op') {
    for (const a of e.args) {
      const hit = find(a, pred)
      if (hit) return hit
    }
  }
  return undefined
}

/** Stable short key for an expression, used to identify storage slots across paths. */
export function keyOf(e: Expr): string {
  if (e.k === 'const') return `0x${e.v.toString(16)}`
  if (e.op === 'OPAQUE' || e.op === 'UNKNOWN') return `?${e.tags}`
  return `${e.op}(${e.args.map(keyOf).join(',')})`
}
