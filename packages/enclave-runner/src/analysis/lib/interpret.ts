import type { Instruction } from '../disassemble.js'
import { OPCODES } from './opcodes.js'
import { T, UNKNOWN, constant, op } from './expr.js'
import type { Expr } from './expr.js'
import { FALLBACK, selectorTested } from './dispatch.js'
import { cloneMemory, emptyMemory, loadWord, storeByte, storeWord } from './memory.js'
import { hashInput } from './memory-range.js'
import { callArgs, selectorAt } from './memory.js'
import { copyRange, writeRange } from './memory-range.js'
import { difference } from './linear.js'
import type { Memory } from './memory.js'
import { createBudget } from './budget.js'
import type { InterpretLimits } from './budget.js'

export type { InterpretLimits } from './budget.js'

/** A branch condition that held on the path to an event (`taken` = the JUMPI jumped). */
export interface Guard {
  readonly pc: number
  readonly cond: Expr
  readonly taken: boolean
}

interface Event {
  readonly pc: number
  readonly guards: readonly Guard[]
  /** Function selector (`0x` + 8 hex) whose path reached the event, or `fallback`. */
  readonly fn: string
}
export interface CallEvent extends Event {
  readonly opcode: 'CALL' | 'CALLCODE' | 'DELEGATECALL' | 'STATICCALL'
  readonly target: Expr
  readonly value: Expr
  /** pcs of the calls the same path made before this one, oldest first. */
  readonly prior: readonly number[]
  /** Function selector of the call data, when it was built from constants. */
  readonly selector: string | undefined
  /** Argument words of the call data (after the selector), when its range is constant. */
  readonly args: readonly Expr[] | undefined
}
export interface SstoreEvent extends Event {
  readonly slot: Expr
  readonly value: Expr
}
export interface JumpiEvent extends Event {
  readonly cond: Expr
}
export interface SelfdestructEvent extends Event {
  readonly beneficiary: Expr
}
/** A path that ended in REVERT (or INVALID) after at least one external call. */
export interface RevertEvent extends Event {
  /** pcs of the calls the path made before it reverted. */
  readonly prior: readonly number[]
}

/** Everything the abstract interpreter observed, across all explored paths. */
export interface Trace {
  readonly calls: CallEvent[]
  readonly sstores: SstoreEvent[]
  readonly jumpis: JumpiEvent[]
  readonly selfdestructs: SelfdestructEvent[]
  readonly revertsAfterCall: RevertEvent[]
  /** pcs of CALL-family instructions whose success flag reached a branch, store or memory. */
  readonly usedRets: Set<number>
  /** pcs of CALL-family instructions reached at least once. */
  readonly reachedCalls: Set<number>
  /** Functions (selectors, or `fallback`) whose exploration a budget cut short. */
  readonly cut: Set<string>
  /** Functions the dispatcher led to. */
  readonly functions: Set<string>
  /** Per function: end of the furthest call data word it reads at a constant offset. */
  readonly calldataEnd: Map<string, bigint>
  /** False when any budget ran out: some paths were not explored. */
  complete: boolean
  steps: number
}

interface State {
  idx: number
  stack: Expr[]
  mem: Memory
  guards: Guard[]
  guardTags: number
  fn: string
  calls: readonly number[]
  /**
   * Output size the last call asked for, when constant: the callee is taken to return what
   * its caller decodes, so solc 0.8's allocation after a value-returning call
   * (`finalize_allocation(ptr, min(returndatasize(), size))`) keeps a constant free memory
   * pointer and the call data built after it stays readable.
   */
  returned?: bigint
}

const CALL_OPS = new Set(['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL'])
const ENDS = new Set(['STOP', 'RETURN', 'REVERT', 'INVALID'])
// [source name, tags] of the copy opcodes, and which stack argument is the length.
const COPIES: Readonly<Record<string, readonly [number, number]>> = {
  CALLDATACOPY: [T.CALLDATA, 3],
  CODECOPY: [0, 3],
  RETURNDATACOPY: [T.RETDATA, 3],
  EXTCODECOPY: [T.RETDATA, 4],
  MCOPY: [T.UNKNOWN, 3],
}
const MAX_PENDING = 2048
const bigMax = (a: bigint, b: bigint): bigint => (a > b ? a : b)
const MAX_GUARDS = 64

/**
 * Path-sensitive abstract interpretation over the disassembly: a symbolic stack, memory words
 * at constant offsets and the branch guards of each path. Jump targets are resolved from
 * constants (which is how solc emits them), so internal function calls and returns are
 * followed. Each external function (by dispatcher selector) has its own budget, so shared
 * compiler helpers cannot starve later functions; any budget that runs out is reported.
 */
export function interpret(instructions: readonly Instruction[], limits: InterpretLimits): Trace {
  const byPc = new Map<number, number>()
  instructions.forEach((ins, i) => byPc.set(ins.pc, i))
  const isJumpdest = (v: bigint): boolean =>
    v <= 0xffffffn && instructions[byPc.get(Number(v)) ?? -1]?.opcode === 'JUMPDEST'
  // prettier-ignore
  const trace: Trace = {
    calls: [], sstores: [], jumpis: [], selfdestructs: [], revertsAfterCall: [],
    usedRets: new Set(), reachedCalls: new Set(), cut: new Set(), functions: new Set(),
    calldataEnd: new Map(), complete: true, steps: 0,
  }
  const pushed: Expr[] = []
  const budget = createBudget(limits, isJumpdest, trace.cut)
  const work: State[] = [
    { idx: 0, stack: [], mem: emptyMemory(), guards: [], guardTags: 0, fn: FALLBACK, calls: [] },
  ]

  const enter = (s: State, target: Expr): boolean => {
    if (target.k !== 'const' || !isJumpdest(target.v)) return false
    const pc = Number(target.v)
    if (!budget.admit(s, pc)) return false
    s.idx = byPc.get(pc) ?? 0
    return true
  }
  const useRets = (e: Expr): void => {
    for (const r of e.rets) trace.usedRets.add(r)
  }

  let s: State | undefined
  const pop = (): Expr => s?.stack.pop() ?? UNKNOWN
  const push = (e: Expr): void => {
    if (s && s.stack.length < 1024) s.stack.push(e)
  }
  while ((s = work.pop()) !== undefined) {
    for (;;) {
      if (trace.steps++ >= limits.maxSteps) {
        trace.cut.add(s.fn)
        for (const w of work) trace.cut.add(w.fn)
        trace.complete = false
        return trace
      }
      if (!budget.step(s.fn)) break
      const ins = instructions[s.idx]
      if (!ins) break
      const name = ins.opcode
      const byte = ins.byte
      if (ins.push !== undefined) {
        push((pushed[s.idx] ??= constant(ins.push)))
      } else if (byte >= 0x80 && byte <= 0x8f) {
        push(s.stack[s.stack.length - (byte - 0x7f)] ?? UNKNOWN)
      } else if (byte >= 0x90 && byte <= 0x9f) {
        const n = byte - 0x8f
        const top = s.stack.length - 1
        if (top - n >= 0) {
          const t = s.stack[top] ?? UNKNOWN
          s.stack[top] = s.stack[top - n] ?? UNKNOWN
          s.stack[top - n] = t
        }
      } else if (name === 'JUMP') {
        if (!enter(s, pop())) break
        continue
      } else if (name === 'JUMPI') {
        const dest = pop()
        const cond = pop()
        trace.jumpis.push({ pc: ins.pc, cond, guards: s.guards, fn: s.fn })
        useRets(cond)
        const canFall = !(cond.k === 'const' && cond.v !== 0n)
        const canJump = !(cond.k === 'const' && cond.v === 0n)
        const here = s.guards
        const guard = (taken: boolean): Guard[] =>
          cond.k === 'const' || here.length >= MAX_GUARDS
            ? here
            : [...here, { pc: ins.pc, cond, taken }]
        if (canJump) {
          const selector = s.fn === FALLBACK ? selectorTested(cond) : undefined
          if (selector) trace.functions.add(selector)
          const branch: State = {
            idx: s.idx,
            stack: [...s.stack],
            mem: cloneMemory(s.mem),
            guards: guard(true),
            guardTags: s.guardTags | cond.tags,
            fn: selector ?? s.fn,
            calls: s.calls,
            returned: s.returned,
          }
          // Bounded pending paths keep memory flat on branch-heavy input.
          if (work.length >= MAX_PENDING) trace.cut.add(branch.fn)
          else if (enter(branch, dest)) work.push(branch)
        }
        if (!canFall) break
        s.guards = guard(false)
        s.guardTags |= cond.tags
      } else if (ENDS.has(name)) {
        if ((name === 'REVERT' || name === 'INVALID') && s.calls.length > 0)
          trace.revertsAfterCall.push({ pc: ins.pc, guards: s.guards, fn: s.fn, prior: s.calls })
        break
      } else if (name === 'SELFDESTRUCT') {
        trace.selfdestructs.push({ pc: ins.pc, beneficiary: pop(), guards: s.guards, fn: s.fn })
        break
      } else if (name === 'MSTORE') {
        const off = pop()
        const val = pop()
        useRets(val)
        storeWord(s.mem, off, val)
      } else if (name === 'MSTORE8') {
        const off = pop()
        useRets(pop())
        storeByte(s.mem, off)
      } else if (name === 'MLOAD') {
        push(loadWord(s.mem, pop(), ins.pc))
      } else if (name === 'SHA3') {
        const off = pop()
        const len = pop()
        push(op('SHA3', hashInput(s.mem, off, len, ins.pc), ins.pc))
      } else if (name === 'SSTORE') {
        const slot = pop()
        const value = pop()
        useRets(value)
        trace.sstores.push({ pc: ins.pc, slot, value, guards: s.guards, fn: s.fn })
      } else if (byte === 0x50) {
        s.stack.pop()
      } else if (COPIES[name]) {
        const [tags, n] = COPIES[name]
        const args: Expr[] = []
        for (let i = 0; i < n; i++) args.push(pop())
        const [a, b, c] = args
        if (name === 'MCOPY' && a && b && c) copyRange(s.mem, a, b, c, ins.pc)
        else
          writeRange(
            s.mem,
            (name === 'EXTCODECOPY' ? b : a) ?? UNKNOWN,
            args[n - 1] ?? UNKNOWN,
            name,
            tags,
            ins.pc,
          )
      } else if (CALL_OPS.has(name)) {
        const hasValue = name === 'CALL' || name === 'CALLCODE'
        pop() // gas
        const target = pop()
        const value = hasValue ? pop() : constant(0n)
        const argsOffset = pop()
        const argsLength = pop()
        const retOffset = pop()
        const retLength = pop()
        trace.reachedCalls.add(ins.pc)
        trace.calls.push({
          pc: ins.pc,
          opcode: name as CallEvent['opcode'],
          target,
          value,
          guards: s.guards,
          fn: s.fn,
          prior: s.calls,
          selector: selectorAt(s.mem, argsOffset),
          args: callArgs(s.mem, argsOffset, argsLength, ins.pc),
        })
        s.calls = s.calls.length < 16 ? [...s.calls, ins.pc] : s.calls
        // The callee may have written its output anywhere in the range it was given.
        writeRange(s.mem, retOffset, retLength, 'RETURNED', T.RETDATA, ins.pc)
        s.returned = retLength.k === 'const' && retLength.v > 0n ? retLength.v : undefined
        push(op('CALLRET', [], ins.pc))
      } else if (name === 'RETURNDATASIZE' && s.returned !== undefined) {
        push(constant(s.returned))
      } else {
        const info = OPCODES.get(ins.byte)
        const args: Expr[] = []
        for (let i = 0; i < (info?.pops ?? 0); i++) args.push(pop())
        const [at, second] = args
        // `end - start` of data built at a moved free memory pointer is a constant length.
        const diff = name === 'SUB' && at && second ? difference(at, second) : undefined
        if (diff !== undefined) push(constant(diff))
        else if ((info?.pushes ?? 0) > 0) push(op(name, args, ins.pc))
        if (name === 'CALLDATALOAD' && at?.k === 'const' && at.v < 1n << 32n)
          trace.calldataEnd.set(s.fn, bigMax(trace.calldataEnd.get(s.fn) ?? 0n, at.v + 32n))
      }
      s.idx++
    }
  }
  trace.complete = trace.cut.size === 0
  return trace
}
