import type { Instruction } from '../disassemble.js'
import { OPCODES } from './opcodes.js'
import { UNKNOWN, constant, op } from './expr.js'
import type { Expr } from './expr.js'

/** A branch condition that held on the path to an event (`taken` = the JUMPI jumped). */
export interface Guard {
  readonly pc: number
  readonly cond: Expr
  readonly taken: boolean
}

interface Event {
  readonly pc: number
  readonly guards: readonly Guard[]
}
export interface CallEvent extends Event {
  readonly opcode: 'CALL' | 'CALLCODE' | 'DELEGATECALL' | 'STATICCALL'
  readonly target: Expr
  readonly value: Expr
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

/** Everything the abstract interpreter observed, across all explored paths. */
export interface Trace {
  readonly calls: CallEvent[]
  readonly sstores: SstoreEvent[]
  readonly jumpis: JumpiEvent[]
  readonly selfdestructs: SelfdestructEvent[]
  /** pcs of CALL-family instructions whose success flag reached a branch, store or memory. */
  readonly usedRets: Set<number>
  /** pcs of CALL-family instructions reached at least once. */
  readonly reachedCalls: Set<number>
  /** False when the step budget ran out before the worklist emptied. */
  complete: boolean
  steps: number
}

export interface InterpretLimits {
  /** Total instructions executed across all paths. */
  readonly maxSteps: number
  /** How many times one JUMPDEST may be entered with a new abstract state. */
  readonly maxVisitsPerBlock: number
}

interface State {
  idx: number
  stack: Expr[]
  mem: Map<bigint, Expr>
  guards: Guard[]
  guardTags: number
}

const CALL_OPS = new Set(['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL'])
const ENDS = new Set(['STOP', 'RETURN', 'REVERT', 'INVALID'])
const MAX_PENDING = 2048

/**
 * Path-sensitive abstract interpretation over the disassembly: a symbolic stack, constant
 * memory words and the branch guards of each path. Jump targets are resolved from constants
 * (which is how solc emits them), so internal function calls and returns are followed.
 */
export function interpret(instructions: readonly Instruction[], limits: InterpretLimits): Trace {
  const byPc = new Map<number, number>()
  instructions.forEach((ins, i) => byPc.set(ins.pc, i))
  // prettier-ignore
  const trace: Trace = {
    calls: [], sstores: [], jumpis: [], selfdestructs: [],
    usedRets: new Set(), reachedCalls: new Set(), complete: true, steps: 0,
  }
  const seen = new Set<string>()
  const visits = new Map<number, number>()
  const work: State[] = [{ idx: 0, stack: [], mem: new Map(), guards: [], guardTags: 0 }]

  const enter = (s: State, target: Expr): boolean => {
    if (target.k !== 'const' || target.v > 0xffffffn) return false
    const i = byPc.get(Number(target.v))
    if (i === undefined || instructions[i]?.opcode !== 'JUMPDEST') return false
    const pc = Number(target.v)
    const key = `${pc}|${s.guardTags}|${s.stack.map((e) => (e.k === 'const' ? e.v.toString(36) : '_')).join(',')}`
    if (seen.has(key)) return false
    const n = visits.get(pc) ?? 0
    if (n >= limits.maxVisitsPerBlock) return false
    seen.add(key)
    visits.set(pc, n + 1)
    s.idx = i
    return true
  }

  while (work.length > 0) {
    const s = work.pop()
    if (!s) break
    for (;;) {
      if (trace.steps++ >= limits.maxSteps) {
        trace.complete = false
        return trace
      }
      const ins = instructions[s.idx]
      if (!ins) break
      const pop = (): Expr => s.stack.pop() ?? UNKNOWN
      const push = (e: Expr): void => {
        if (s.stack.length < 1024) s.stack.push(e)
      }
      const name = ins.opcode
      if (ins.push !== undefined) {
        push(constant(ins.push))
      } else if (name.startsWith('DUP')) {
        const n = Number(name.slice(3))
        push(s.stack[s.stack.length - n] ?? UNKNOWN)
      } else if (name.startsWith('SWAP')) {
        const n = Number(name.slice(4))
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
        trace.jumpis.push({ pc: ins.pc, cond, guards: s.guards })
        for (const r of cond.rets) trace.usedRets.add(r)
        const canFall = !(cond.k === 'const' && cond.v !== 0n)
        const canJump = !(cond.k === 'const' && cond.v === 0n)
        const guard = (taken: boolean): Guard[] =>
          cond.k === 'const' || s.guards.length >= 64
            ? s.guards
            : [...s.guards, { pc: ins.pc, cond, taken }]
        if (canJump) {
          const branch: State = {
            idx: s.idx,
            stack: [...s.stack],
            mem: new Map(s.mem),
            guards: guard(true),
            guardTags: s.guardTags | cond.tags,
          }
          // Bounded pending paths keep memory flat on branch-heavy input.
          if (work.length >= MAX_PENDING) trace.complete = false
          else if (enter(branch, dest)) work.push(branch)
        }
        if (!canFall) break
        s.guards = guard(false)
        s.guardTags |= cond.tags
      } else if (ENDS.has(name)) {
        break
      } else if (name === 'SELFDESTRUCT') {
        trace.selfdestructs.push({ pc: ins.pc, beneficiary: pop(), guards: s.guards })
        break
      } else if (name === 'MSTORE') {
        const off = pop()
        const val = pop()
        for (const r of val.rets) trace.usedRets.add(r)
        if (off.k === 'const') s.mem.set(off.v, val)
      } else if (name === 'MLOAD') {
        const off = pop()
        push(
          off.k === 'const'
            ? (s.mem.get(off.v) ?? op('MLOAD', [off], ins.pc))
            : op('MLOAD', [off], ins.pc),
        )
      } else if (name === 'SHA3') {
        const off = pop()
        const len = pop()
        const words: Expr[] = []
        if (off.k === 'const' && len.k === 'const' && len.v % 32n === 0n && len.v <= 128n) {
          for (let o = 0n; o < len.v; o += 32n) words.push(s.mem.get(off.v + o) ?? UNKNOWN)
        } else {
          words.push(UNKNOWN)
        }
        push(op('SHA3', words, ins.pc))
      } else if (name === 'SSTORE') {
        const slot = pop()
        const value = pop()
        for (const r of value.rets) trace.usedRets.add(r)
        trace.sstores.push({ pc: ins.pc, slot, value, guards: s.guards })
      } else if (CALL_OPS.has(name)) {
        const hasValue = name === 'CALL' || name === 'CALLCODE'
        pop() // gas
        const target = pop()
        const value = hasValue ? pop() : constant(0n)
        for (let i = 0; i < 4; i++) pop()
        trace.reachedCalls.add(ins.pc)
        trace.calls.push({
          pc: ins.pc,
          opcode: name as CallEvent['opcode'],
          target,
          value,
          guards: s.guards,
        })
        push(op('CALLRET', [], ins.pc))
      } else {
        const info = OPCODES.get(ins.byte)
        const args: Expr[] = []
        for (let i = 0; i < (info?.pops ?? 0); i++) args.push(pop())
        if ((info?.pushes ?? 0) > 0) push(op(name, args, ins.pc))
      }
      s.idx++
    }
  }
  return trace
}
