import { EnclaveError } from '../errors.js'
import { OPCODES, pushSize } from './lib/opcodes.js'

/** One decoded instruction. `push` holds the immediate of PUSH1..PUSH32 (PUSH0 -> 0n). */
export interface Instruction {
  readonly pc: number
  readonly opcode: string
  readonly byte: number
  readonly push?: bigint
}

/** Result of {@link disassemble}: instructions plus where the solc metadata trailer began. */
export interface Disassembly {
  readonly instructions: readonly Instruction[]
  /** Code length analysed (metadata trailer excluded). */
  readonly codeLength: number
  /** Byte offset of the stripped CBOR metadata trailer, or null when none was found. */
  readonly metadataOffset: number | null
}

/**
 * Parse hex bytecode (with or without 0x, whitespace ignored) into bytes.
 *
 * @example
 * ```ts
 * parseBytecode('0x6080') // Uint8Array [0x60, 0x80]
 * ```
 */
export function parseBytecode(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) return input
  const hex = input.trim().replace(/^0x/i, '').replace(/\s+/g, '')
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new EnclaveError(
      'INVALID_BYTECODE',
      'bytecode must be a non-empty, even-length hex string',
    )
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

/**
 * Find the solc CBOR metadata trailer: the last two bytes give its length and it starts with
 * a CBOR map holding `ipfs`, `bzzr0/1` or `solc`. Returns its start offset, or null.
 */
export function findMetadataOffset(code: Uint8Array): number | null {
  if (code.length < 4) return null
  const len = ((code[code.length - 2] ?? 0) << 8) | (code[code.length - 1] ?? 0)
  const start = code.length - 2 - len
  if (len < 4 || start < 0) return null
  const first = code[start] ?? 0
  if (first < 0xa1 || first > 0xa7) return null
  const text = Buffer.from(code.subarray(start, code.length - 2)).toString('latin1')
  return /ipfs|bzzr0|bzzr1|solc|experimental/.test(text) ? start : null
}

/**
 * Linear-sweep disassembly: PUSH immediates are skipped (never decoded as opcodes) and the
 * solc metadata trailer is stripped so its bytes cannot produce phantom instructions.
 *
 * @example
 * ```ts
 * disassemble('0x6001600201').instructions.map((i) => i.opcode) // ['PUSH1', 'PUSH1', 'ADD']
 * ```
 */
export function disassemble(input: string | Uint8Array): Disassembly {
  const code = parseBytecode(input)
  const metadataOffset = findMetadataOffset(code)
  const end = metadataOffset ?? code.length
  const instructions: Instruction[] = []
  let pc = 0
  while (pc < end) {
    const byte = code[pc] ?? 0
    const info = OPCODES.get(byte)
    const size = pushSize(byte)
    if (size > 0) {
      let value = 0n
      // Truncated PUSH at the end of code is zero-padded, as the EVM does.
      for (let i = 1; i <= size; i++) value = (value << 8n) | BigInt(code[pc + i] ?? 0)
      instructions.push({ pc, opcode: info?.name ?? 'INVALID', byte, push: value })
    } else if (byte === 0x5f) {
      instructions.push({ pc, opcode: 'PUSH0', byte, push: 0n })
    } else {
      instructions.push({ pc, opcode: info?.name ?? 'INVALID', byte })
    }
    pc += 1 + size
  }
  return { instructions, codeLength: end, metadataOffset }
}
