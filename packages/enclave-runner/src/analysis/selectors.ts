import type { Instruction } from './disassemble.js'

/**
 * Function selectors of the dispatcher: `PUSH4 sel` followed (within two instructions) by
 * EQ and a conditional jump.
 *
 * @example
 * ```ts
 * extractSelectors(disassemble(code).instructions) // ['0x095ea7b3', '0xa9059cbb', ...]
 * ```
 */
export function extractSelectors(instructions: readonly Instruction[]): string[] {
  const out = new Set<string>()
  for (let i = 0; i < instructions.length; i++) {
    const ins = instructions[i]
    if (ins?.opcode !== 'PUSH4' || ins.push === undefined) continue
    for (let j = i + 1; j <= i + 2; j++) {
      if (instructions[j]?.opcode !== 'EQ') continue
      if (
        instructions[j + 1]?.opcode.startsWith('PUSH') &&
        instructions[j + 2]?.opcode === 'JUMPI'
      ) {
        out.add(`0x${ins.push.toString(16).padStart(8, '0')}`)
      }
    }
  }
  return [...out].sort()
}
