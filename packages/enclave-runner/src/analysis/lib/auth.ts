import { T } from './expr.js'
import type { Expr } from './expr.js'
import type { Guard, SstoreEvent } from './interpret.js'
import { slotFamily, slotReads, slotWrite, writesBack } from './slots.js'

export { slotFamily } from './slots.js'

const COMPARES = new Set(['LT', 'GT', 'SLT', 'SGT', 'SUB'])
// `a == b` compiles to EQ, and (solc 0.8, optimizer) to SUB or XOR whose zero-ness the JUMPI tests.
const IDENTITY_OPS = new Set(['EQ', 'SUB', 'XOR'])
const SENDERS = T.CALLER | T.ORIGIN
// Sources an outsider chooses when they call: what they can make a storage write hold.
const CHOSEN_BY_CALLER = T.CALLER | T.ORIGIN | T.CALLDATA | T.CALLVALUE | T.RETDATA | T.UNKNOWN

// A side of a comparison that is "just the sender" (CALLER or ORIGIN, possibly masked).
function onlyTag(e: Expr, tag: number): boolean {
  return e.tags === tag
}

function sides(e: Expr): [Expr, Expr] | undefined {
  if (e.k !== 'op' || !IDENTITY_OPS.has(e.op)) return undefined
  const [a, b] = e.args
  return a && b ? [a, b] : undefined
}

/** `tx.origin == msg.sender` (the EOA check): not an authorisation by identity. */
export function isOriginCallerCheck(e: Expr): boolean {
  const s = sides(e)
  if (!s) return false
  const [a, b] = s
  return (
    (onlyTag(a, T.ORIGIN) && onlyTag(b, T.CALLER)) || (onlyTag(a, T.CALLER) && onlyTag(b, T.ORIGIN))
  )
}

/**
 * Does `cond` authorise by the identity in `who` (T.CALLER or T.ORIGIN)? True for an
 * equality (EQ, or SUB/XOR tested for zero) between that identity and a stored/constant
 * address, or for a boolean read of a storage mapping keyed by it (role checks); false for
 * balance comparisons and the EOA check.
 *
 * @example
 * ```ts
 * authorisesBy(op('EQ', [op('CALLER', []), sloadOwner]), T.CALLER) // true
 * ```
 */
export function authorisesBy(cond: Expr, who: number, underCompare = false): boolean {
  if (cond.k !== 'op' || (cond.tags & who) === 0) return false
  if (isOriginCallerCheck(cond)) return false
  const s = sides(cond)
  if (s) {
    const [a, b] = s
    const other = onlyTag(a, who) ? b : onlyTag(b, who) ? a : undefined
    // Zero counts too: solc's deployedBytecode carries immutables as zero placeholders.
    if (other && (other.tags & SENDERS) === 0) return true
  }
  if (cond.op === 'SLOAD') return !underCompare
  const compare = underCompare || COMPARES.has(cond.op)
  return cond.args.some((a) => authorisesBy(a, who, compare))
}

function identityGuard(guards: readonly Guard[]): Guard | undefined {
  return guards.find((g) => authorisesBy(g.cond, T.CALLER) || authorisesBy(g.cond, T.ORIGIN))
}

/** The first guard on a path that authorises by msg.sender or tx.origin, if any. */
export function authGuard(guards: readonly Guard[]): Guard | undefined {
  return identityGuard(guards)
}

/** An SSTORE that a path without a sender check makes, reduced to what it changes. */
interface OpenWrite {
  readonly event: SstoreEvent
  readonly mask: bigint
}

// Can an outsider make this write put something useful to them into the slot?
function attackerUseful(s: SstoreEvent, family: string): { mask: bigint } | undefined {
  const w = slotWrite(s.slot, s.value)
  if (writesBack(s.slot, w.value)) return undefined
  const chosen = (w.value.tags & CHOSEN_BY_CALLER) !== 0
  if (family.startsWith('m:')) {
    // A mapping entry: harmful when the caller picks the key (their own or any address) and
    // the value is not a reset to zero.
    const keyChosen = (s.slot.tags & CHOSEN_BY_CALLER) !== 0
    if (!keyChosen) return undefined
    return w.value.k === 'const' && w.value.v === 0n ? undefined : { mask: w.mask }
  }
  // A constant slot: a constant (renounce to zero, a fixed flag) is no one's address.
  return chosen || w.value.k !== 'const' ? { mask: w.mask } : undefined
}

/** Answers "is this path really authenticated?" using the whole trace. */
export interface AuthOracle {
  /** First guard that authorises by sender/origin against storage nobody else can write. */
  authGuard(guards: readonly Guard[]): Guard | undefined
  /** Unauthenticated SSTOREs to a slot family whose value an outsider influences. */
  openWrites(family: string): readonly SstoreEvent[]
  /** Does some unauthenticated path write bits of `family` under `mask` with a chosen value? */
  isOpen(family: string, mask: bigint): boolean
  /** All SSTOREs to a slot family (any guard), in trace order. */
  writers(family: string): readonly SstoreEvent[]
}

/**
 * An owner check is only as strong as the owner's bits of its slot: if any path without a
 * sender check can write those bits with a value it chooses (`setOwner` left public), the
 * check protects nothing. A flag packed beside the owner, a write of a constant or of the
 * slot's own value do not weaken it. Writes in the constructor are not in runtime code.
 */
export function createAuthOracle(sstores: readonly SstoreEvent[]): AuthOracle {
  const open = new Map<string, OpenWrite[]>()
  const all = new Map<string, SstoreEvent[]>()
  for (const s of sstores) {
    const f = slotFamily(s.slot)
    if (!f) continue
    const list = all.get(f) ?? []
    list.push(s)
    all.set(f, list)
    if (identityGuard(s.guards)) continue
    const useful = attackerUseful(s, f)
    if (!useful) continue
    const writes = open.get(f) ?? []
    writes.push({ event: s, mask: useful.mask })
    open.set(f, writes)
  }
  const isOpen = (family: string, mask: bigint): boolean =>
    (open.get(family) ?? []).some((w) => (w.mask & mask) !== 0n)
  const effective = (g: Guard): boolean =>
    (authorisesBy(g.cond, T.CALLER) || authorisesBy(g.cond, T.ORIGIN)) &&
    slotReads(g.cond).every((r) => !isOpen(r.family, r.mask))
  return {
    authGuard: (guards) => guards.find(effective),
    openWrites: (family) => (open.get(family) ?? []).map((w) => w.event),
    isOpen,
    writers: (family) => all.get(family) ?? [],
  }
}
