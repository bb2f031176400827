import { describe, expect, it } from 'vitest'
import {
  EnclaveError,
  disassemble,
  extractSelectors,
  findMetadataOffset,
  parseBytecode,
} from '@tollgate/enclave-runner'
import { fixture } from './helpers.js'

describe('disassembler', () => {
  it('skips PUSH immediates: a 0xff inside PUSH data is not SELFDESTRUCT', () => {
    // PUSH2 0xff56 ; PUSH1 0x00 ; STOP
    const ops = disassemble('0x61ff56600000').instructions
    expect(ops.map((i) => i.opcode)).toEqual(['PUSH2', 'PUSH1', 'STOP'])
    expect(ops[0]!.push).toBe(0xff56n)
    expect(ops[1]!.pc).toBe(3)
  })

  it('zero-pads a PUSH truncated by the end of code', () => {
    const ops = disassemble('0x62aa').instructions
    expect(ops).toHaveLength(1)
    expect(ops[0]!.push).toBe(0xaa0000n)
  })

  it('strips the solc CBOR metadata trailer', () => {
    const f = fixture('OwnedKill')
    const code = parseBytecode(f.bytecode)
    const at = findMetadataOffset(code)
    expect(at).not.toBeNull()
    const d = disassemble(f.bytecode)
    expect(d.codeLength).toBe(at)
    expect(d.instructions.every((i) => i.pc < at!)).toBe(true)
    // Without stripping, the metadata's bytes would decode as instructions.
    expect(code.length - at!).toBeGreaterThan(40)
  })

  it('leaves code without a trailer alone', () => {
    expect(findMetadataOffset(parseBytecode('0x6001600201'))).toBeNull()
  })

  it('rejects non-hex input with a typed error', () => {
    expect(() => parseBytecode('0xzz')).toThrow(EnclaveError)
    try {
      parseBytecode('0x123')
    } catch (e) {
      expect((e as EnclaveError).code).toBe('INVALID_BYTECODE')
    }
  })

  it('extracts dispatcher selectors', () => {
    // kill() = 0x41c0e1b5, deposits() = 0x323a5e0b, deposit() = 0xd0e30db0
    const sel = extractSelectors(disassemble(fixture('KillableOpen').bytecode).instructions)
    expect(sel).toEqual(expect.arrayContaining(['0x41c0e1b5', '0xd0e30db0']))
  })
})
