/** One EVM opcode: mnemonic plus how many stack items it pops and pushes. */
export interface OpcodeInfo {
  readonly name: string
  readonly pops: number
  readonly pushes: number
}

// [byte, name, pops, pushes]; PUSHn / DUPn / SWAPn / LOGn are generated below.
// prettier-ignore
const TABLE: ReadonlyArray<readonly [number, string, number, number]> = [
  [0x00, 'STOP', 0, 0], [0x01, 'ADD', 2, 1], [0x02, 'MUL', 2, 1], [0x03, 'SUB', 2, 1],
  [0x04, 'DIV', 2, 1], [0x05, 'SDIV', 2, 1], [0x06, 'MOD', 2, 1], [0x07, 'SMOD', 2, 1],
  [0x08, 'ADDMOD', 3, 1], [0x09, 'MULMOD', 3, 1], [0x0a, 'EXP', 2, 1], [0x0b, 'SIGNEXTEND', 2, 1],
  [0x10, 'LT', 2, 1], [0x11, 'GT', 2, 1], [0x12, 'SLT', 2, 1], [0x13, 'SGT', 2, 1],
  [0x14, 'EQ', 2, 1], [0x15, 'ISZERO', 1, 1], [0x16, 'AND', 2, 1], [0x17, 'OR', 2, 1],
  [0x18, 'XOR', 2, 1], [0x19, 'NOT', 1, 1], [0x1a, 'BYTE', 2, 1], [0x1b, 'SHL', 2, 1],
  [0x1c, 'SHR', 2, 1], [0x1d, 'SAR', 2, 1], [0x20, 'SHA3', 2, 1],
  [0x30, 'ADDRESS', 0, 1], [0x31, 'BALANCE', 1, 1], [0x32, 'ORIGIN', 0, 1], [0x33, 'CALLER', 0, 1],
  [0x34, 'CALLVALUE', 0, 1], [0x35, 'CALLDATALOAD', 1, 1], [0x36, 'CALLDATASIZE', 0, 1],
  [0x37, 'CALLDATACOPY', 3, 0], [0x38, 'CODESIZE', 0, 1], [0x39, 'CODECOPY', 3, 0],
  [0x3a, 'GASPRICE', 0, 1], [0x3b, 'EXTCODESIZE', 1, 1], [0x3c, 'EXTCODECOPY', 4, 0],
  [0x3d, 'RETURNDATASIZE', 0, 1], [0x3e, 'RETURNDATACOPY', 3, 0], [0x3f, 'EXTCODEHASH', 1, 1],
  [0x40, 'BLOCKHASH', 1, 1], [0x41, 'COINBASE', 0, 1], [0x42, 'TIMESTAMP', 0, 1],
  [0x43, 'NUMBER', 0, 1], [0x44, 'PREVRANDAO', 0, 1], [0x45, 'GASLIMIT', 0, 1],
  [0x46, 'CHAINID', 0, 1], [0x47, 'SELFBALANCE', 0, 1], [0x48, 'BASEFEE', 0, 1],
  [0x49, 'BLOBHASH', 1, 1], [0x4a, 'BLOBBASEFEE', 0, 1],
  [0x50, 'POP', 1, 0], [0x51, 'MLOAD', 1, 1], [0x52, 'MSTORE', 2, 0], [0x53, 'MSTORE8', 2, 0],
  [0x54, 'SLOAD', 1, 1], [0x55, 'SSTORE', 2, 0], [0x56, 'JUMP', 1, 0], [0x57, 'JUMPI', 2, 0],
  [0x58, 'PC', 0, 1], [0x59, 'MSIZE', 0, 1], [0x5a, 'GAS', 0, 1], [0x5b, 'JUMPDEST', 0, 0],
  [0x5c, 'TLOAD', 1, 1], [0x5d, 'TSTORE', 2, 0], [0x5e, 'MCOPY', 3, 0], [0x5f, 'PUSH0', 0, 1],
  [0xf0, 'CREATE', 3, 1], [0xf1, 'CALL', 7, 1], [0xf2, 'CALLCODE', 7, 1], [0xf3, 'RETURN', 2, 0],
  [0xf4, 'DELEGATECALL', 6, 1], [0xf5, 'CREATE2', 4, 1], [0xfa, 'STATICCALL', 6, 1],
  [0xfd, 'REVERT', 2, 0], [0xfe, 'INVALID', 0, 0], [0xff, 'SELFDESTRUCT', 1, 0],
]

function buildTable(): ReadonlyMap<number, OpcodeInfo> {
  const map = new Map<number, OpcodeInfo>()
  for (const [byte, name, pops, pushes] of TABLE) map.set(byte, { name, pops, pushes })
  for (let n = 1; n <= 32; n++) map.set(0x5f + n, { name: `PUSH${n}`, pops: 0, pushes: 1 })
  for (let n = 1; n <= 16; n++) map.set(0x7f + n, { name: `DUP${n}`, pops: n, pushes: n + 1 })
  for (let n = 1; n <= 16; n++) map.set(0x8f + n, { name: `SWAP${n}`, pops: n + 1, pushes: n + 1 })
  for (let n = 0; n <= 4; n++) map.set(0xa0 + n, { name: `LOG${n}`, pops: n + 2, pushes: 0 })
  return map
}

/** Opcode byte -> info; bytes missing from the map are undefined instructions. */
export const OPCODES: ReadonlyMap<number, OpcodeInfo> = buildTable()

/** Number of immediate data bytes that follow the opcode (PUSH1..PUSH32), else 0. */
export function pushSize(byte: number): number {
  return byte >= 0x60 && byte <= 0x7f ? byte - 0x5f : 0
}

/** Opcodes after which execution does not fall through to the next instruction. */
// prettier-ignore
export const TERMINATORS: ReadonlySet<string> = new Set([
  'STOP', 'JUMP', 'RETURN', 'REVERT', 'INVALID', 'SELFDESTRUCT',
])
