// Symbolic memory offsets (issue 14): call data built at a free memory pointer that a
// dynamic-size value moved stays readable. Hand-assembled bytecode, so each test controls
// exactly which pointer arithmetic the interpreter sees.
import { describe, expect, it } from 'vitest'
import { disassemble } from '../src/analysis/disassemble.js'
import { interpret } from '../src/analysis/lib/interpret.js'
import type { Trace } from '../src/analysis/lib/interpret.js'
import { OPCODES } from '../src/analysis/lib/opcodes.js'
import { constant, op } from '../src/analysis/lib/expr.js'
import { emptyMemory, storeWord } from '../src/analysis/lib/memory.js'

const BYTE = new Map([...OPCODES].map(([byte, info]) => [info.name, byte]))

/** Assemble `['PUSH1', 0x40, 'MLOAD', ...]`: a PUSHn takes the number after it. */
function asm(...code: Array<string | bigint | number>): string {
  let hex = ''
  for (let i = 0; i < code.length; i++) {
    const name = String(code[i])
    const byte = BYTE.get(name)
    if (byte === undefined) throw new TypeError(`unknown opcode ${name}`)
    hex += byte.toString(16).padStart(2, '0')
    const size = name.startsWith('PUSH') ? Number(name.slice(4)) : 0
    if (size > 0)
      hex += BigInt(code[++i] ?? 0)
        .toString(16)
        .padStart(size * 2, '0')
  }
  return `0x${hex}`
}

const run = (code: string): Trace =>
  interpret(disassemble(code).instructions, { maxSteps: 10_000, maxVisitsPerBlock: 12 })

const SELECTOR = 0xa9059cbbn << 224n

// A STATICCALL whose output size is only known at run time, copied to the free memory pointer,
// which then moves by the rounded-up size: what solc 0.8 emits for a `bytes`/array return.
const DYNAMIC_RETURN = [
  ...['PUSH1', 0x80, 'PUSH1', 0x40, 'MSTORE'],
  ...['PUSH1', 0, 'PUSH1', 0, 'PUSH1', 0, 'PUSH1', 0, 'PUSH1', 4, 'CALLDATALOAD', 'GAS'],
  ...['STATICCALL', 'POP'],
  ...['RETURNDATASIZE', 'PUSH1', 0, 'PUSH1', 0x40, 'MLOAD', 'RETURNDATACOPY'],
  ...['PUSH1', 0x1f, 'NOT', 'PUSH1', 0x1f, 'RETURNDATASIZE', 'ADD', 'AND'],
  ...['PUSH1', 0x40, 'MLOAD', 'ADD', 'PUSH1', 0x40, 'MSTORE'],
  ...['PUSH1', 0x40, 'MLOAD'], // p
]
// call(gas, calldataload(0x24), 0, p, len, 0, 0) with stack [p, len]; then stop.
const CALL_P_LEN = [
  ...['PUSH1', 0, 'PUSH1', 0, 'DUP3', 'DUP5', 'PUSH1', 0, 'PUSH1', 0x24, 'CALLDATALOAD', 'GAS'],
  ...['CALL', 'POP', 'STOP'],
]
// transfer(msg.sender, 100) encoded at p: the selector word, then two argument words; the
// length is `end - p`.
const ENCODE_AT_P = [
  ...['PUSH32', SELECTOR, 'DUP2', 'MSTORE'],
  ...['CALLER', 'DUP2', 'PUSH1', 4, 'ADD', 'MSTORE'],
  ...['PUSH1', 0x64, 'DUP2', 'PUSH1', 0x24, 'ADD', 'MSTORE'],
  ...['DUP1', 'PUSH1', 0x44, 'ADD', 'DUP2', 'SWAP1', 'SUB'],
]

describe('symbolic memory offsets', () => {
  it('reads the selector and arguments of call data built after a dynamic-size return', () => {
    const trace = run(asm(...DYNAMIC_RETURN, ...ENCODE_AT_P, ...CALL_P_LEN))
    const call = trace.calls.find((c) => c.opcode === 'CALL')!
    expect(call.selector).toBe('0xa9059cbb')
    expect(call.args?.map((a) => (a.k === 'const' ? a.v : a.k === 'op' ? a.op : ''))).toEqual([
      'CALLER',
      0x64n,
    ])
  })

  it('reads a selector merged into the word as solc 0.8 does (or(and(mload(p), 2^224-1), sel))', () => {
    const merge = [
      ...['PUSH1', 1, 'PUSH1', 1, 'PUSH1', 224, 'SHL', 'SUB', 'DUP2', 'MLOAD', 'AND'],
      ...['PUSH32', SELECTOR, 'OR', 'DUP2', 'MSTORE'],
      ...['CALLER', 'DUP2', 'PUSH1', 4, 'ADD', 'MSTORE'],
      ...['DUP1', 'PUSH1', 0x24, 'ADD', 'DUP2', 'SWAP1', 'SUB'],
    ]
    const call = run(asm(...DYNAMIC_RETURN, ...merge, ...CALL_P_LEN)).calls.find(
      (c) => c.opcode === 'CALL',
    )!
    expect(call.selector).toBe('0xa9059cbb')
    expect(call.args).toHaveLength(1)
  })

  it('moves known words with MCOPY from a constant buffer to the moved pointer', () => {
    const copy = [
      ...['PUSH32', SELECTOR, 'PUSH2', 0x200, 'MSTORE', 'CALLER', 'PUSH2', 0x204, 'MSTORE'],
      ...['PUSH1', 0x24, 'PUSH2', 0x200, 'DUP3', 'MCOPY'], // mcopy(p, 0x200, 0x24)
      ...['PUSH1', 0x24],
    ]
    const call = run(asm(...DYNAMIC_RETURN, ...copy, ...CALL_P_LEN)).calls.find(
      (c) => c.opcode === 'CALL',
    )!
    expect(call.selector).toBe('0xa9059cbb')
    expect(call.args?.[0]?.k === 'op' && call.args[0].op).toBe('CALLER')
  })

  it('forgets the words when memory is written through an unrelated pointer', () => {
    // mstore(calldataload(0x44), 0): may land on p, so the selector is no longer known.
    const clobber = ['PUSH1', 0, 'PUSH1', 0x44, 'CALLDATALOAD', 'MSTORE']
    const code = asm(...DYNAMIC_RETURN, ...ENCODE_AT_P, ...clobber, ...CALL_P_LEN)
    const call = run(code).calls.find((c) => c.opcode === 'CALL')!
    expect(call.selector).toBeUndefined()
  })

  it('forgets the words after an external call writes its output at the pointer', () => {
    // staticcall(gas, 0, p, 0x44, p, returndatasize-bound 0x20): the output lands on the selector.
    const overwrite = [
      ...['PUSH1', 0x20, 'DUP3', 'PUSH1', 0x44, 'DUP5', 'PUSH1', 0, 'GAS', 'STATICCALL', 'POP'],
    ]
    const code = asm(...DYNAMIC_RETURN, ...ENCODE_AT_P, ...overwrite, ...CALL_P_LEN)
    const calls = run(code).calls
    expect(calls.find((c) => c.opcode === 'STATICCALL' && c.selector)?.selector).toBe('0xa9059cbb')
    expect(calls.find((c) => c.opcode === 'CALL')!.selector).toBeUndefined()
  })

  it('keeps a bounded number of words per symbolic pointer', () => {
    const m = emptyMemory()
    const p = op('MLOAD', [constant(0x40n)], 7)
    for (let i = 0n; i < 500n; i++) storeWord(m, op('ADD', [p, constant(32n * i)]), constant(i))
    const sizes = [...m.sym.values()].map((r) => r.words.size)
    expect(sizes).toHaveLength(1)
    expect(sizes[0]).toBeLessThanOrEqual(64)
  })
})
