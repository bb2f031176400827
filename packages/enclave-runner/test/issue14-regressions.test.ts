// Compiled regression fixtures for the root causes of issue 14 (see
// test/fixtures/contracts/Issue14Regressions.sol). Each runs with optimizer off and on.
import { describe, expect, it } from 'vitest'
import { ANALYSIS_TYPES, DEFAULT_RULES, analyzeBytecode } from '@tollgate/enclave-runner'
import type { Finding } from '@tollgate/enclave-runner'
import { loadFixtures } from './helpers.js'

const fixtures = loadFixtures()

function analyse(contract: string, optimizer: boolean): { findings: Finding[]; complete: boolean } {
  const f = fixtures.find((x) => x.contract === contract && x.optimizer === optimizer)
  if (!f) throw new Error(`no fixture ${contract}`)
  const reports = ANALYSIS_TYPES.map((t) => analyzeBytecode(f.bytecode, t, DEFAULT_RULES))
  return {
    findings: reports.flatMap((r) => r.findings),
    complete: reports.every((r) => r.complete),
  }
}

const detectors = (findings: Finding[]): string[] => [...new Set(findings.map((f) => f.detector))]

describe.each([false, true])('issue 14 regressions (optimizer %s)', (optimizer) => {
  it('an owner packed beside a public flag still guards selfdestruct', () => {
    const { findings, complete } = analyse('PackedOwnerKill', optimizer)
    expect(detectors(findings)).toEqual([])
    expect(complete).toBe(true)
  })

  it('applies byte ranges to an owner packed inside mapping entries (structs in a mapping)', () => {
    // Anyone adds to a counter packed beside (or before) the entry's owner: the owner check holds.
    expect(detectors(analyse('PackedVaultExec', optimizer).findings)).toEqual([])
    expect(detectors(analyse('PackedVaultHighOwner', optimizer).findings)).toEqual([])
    // The owner's own bytes of any entry are open: the check protects nothing (optimizer off,
    // the member's slot is keccak(key, base) + 0, which the old engine did not follow).
    expect(detectors(analyse('OpenVaultExec', optimizer).findings)).toEqual([
      'controlled-delegatecall',
    ])
  })

  it('recognises SUB and XOR + JUMPI as identity checks, and still flags them on an open slot', () => {
    expect(detectors(analyse('SubCheckKill', optimizer).findings)).toEqual([])
    expect(detectors(analyse('SubCheckOpenOwner', optimizer).findings)).toEqual([
      'unprotected-selfdestruct',
    ])
  })

  it('raises nothing critical or high on upgradeable proxies whose admin path is guarded', () => {
    for (const proxy of ['AdminSlotProxy', 'ImmutableAdminProxy']) {
      const { findings } = analyse(proxy, optimizer)
      expect(findings, proxy).toEqual([])
    }
  })

  it.each([
    'TransparentUpgradeableProxy',
    'ProxyAdmin',
    'ERC1967Proxy',
    'UpgradeableBeacon',
    'BeaconProxy',
    'TimelockController',
    'VestingWallet',
    'OzToken',
    'OzUupsVault',
    'OzRoleExecutor',
  ])('raises no finding on OpenZeppelin 5.7 %s, and explores it completely', (contract) => {
    const { findings, complete } = analyse(contract, optimizer)
    expect(findings).toEqual([])
    expect(complete).toBe(true)
  })

  it('reaches the last functions behind ABI helpers shared by many functions', () => {
    const { findings, complete } = analyse('SharedAbiHelpers', optimizer)
    expect(detectors(findings).sort()).toEqual(['unchecked-call', 'unprotected-selfdestruct'])
    expect(complete).toBe(true)
    const kill = findings.find((f) => f.detector === 'unprotected-selfdestruct')!
    expect(kill.evidence[0]!.opcode).toBe('SELFDESTRUCT')
  })

  it('forgets memory a STATICCALL wrote, so a stale constant does not prune the path', () => {
    expect(detectors(analyse('SweepAfterStaticcall', optimizer).findings)).toEqual([
      'unchecked-call',
    ])
  })

  it.each([
    ['HiddenQuiz', 'gated by state an outsider cannot set'],
    ['DecoyOwnerVault', 'withdrawal checks another slot'],
    ['OwnerFirstGiveaway', 'Balance sent elsewhere'],
    ['StrawManBank', 'reverted by an external contract'],
    ['NarrowLoopDoubler', 'narrow counter'],
    ['ShiftedLogTransfer', 'shifted arguments pay the owner'],
  ])('flags the %s honeypot family with its reason and evidence', (contract, title) => {
    const { findings } = analyse(contract, optimizer)
    const hit = findings.filter((f) => f.detector === 'honeypot-pattern')
    expect(hit.map((f) => f.title).join(' | ')).toContain(title)
    for (const f of hit) {
      expect(f.evidence.length).toBeGreaterThan(0)
      expect(['high', 'medium', 'low']).toContain(f.confidence)
    }
    expect(detectors(findings)).toEqual(['honeypot-pattern'])
  })

  it('does not call a non-payable sweep behind an unwritten flag, or a timestamp game, a honeypot', () => {
    expect(detectors(analyse('LeftoverSweep', optimizer).findings)).toEqual([])
    expect(detectors(analyse('BlockRoulette', optimizer).findings)).toEqual([])
  })

  it('does not flag a self-call whose call data carries every argument (skip-empty-string negative)', () => {
    expect(detectors(analyse('FullLogTransfer', optimizer).findings)).toEqual([])
    const shifted = analyse('ShiftedLogTransfer', optimizer).findings[0]!
    expect(shifted.evidence.map((e) => e.opcode)).toEqual(['CALL', 'CALL'])
    expect(shifted.evidence[0]!.reason).toMatch(/3 argument words, fewer than it reads/)
  })
})

describe.each([false, true])('severity (optimizer %s)', (optimizer) => {
  it('is critical only when an outsider can take the path on their own', () => {
    const open = analyse('SubCheckOpenOwner', optimizer).findings
    expect(open.map((f) => f.severity)).toEqual(['critical'])
    const switched = analyse('SwitchedKill', optimizer).findings
    expect(switched.map((f) => [f.detector, f.severity])).toEqual([
      ['unprotected-selfdestruct', 'medium'],
    ])
    expect(switched[0]!.evidence[0]!.selector).toMatch(/^0x[0-9a-f]{8}$/)
  })

  it('flags an operator-only single swap that reverts unless the balance read back grew', () => {
    const { findings } = analyse('ProfitCheckedBackrun', optimizer)
    expect(findings.map((f) => [f.detector, f.title])).toEqual([
      ['mev-pattern', 'Operator-only arbitrage swaps'],
    ])
    const reverts = findings[0]!.evidence.filter((e) => e.opcode === 'REVERT')
    expect(reverts).toHaveLength(1)
    expect(reverts[0]!.reason).toMatch(/unless balances read back show a profit/)
  })

  it.each(['OwnerRebalance', 'MiniPair', 'MiniRouter'])(
    'does not take %s (no profit check, or an open swap with an invariant or slippage check) for a bot',
    (contract) => {
      const { findings } = analyse(contract, optimizer)
      expect(detectors(findings)).not.toContain('mev-pattern')
    },
  )
})

describe('report completeness', () => {
  it('says which functions a budget cut short instead of claiming completeness', () => {
    const f = fixtures.find((x) => x.contract === 'SharedAbiHelpers' && !x.optimizer)!
    const full = analyzeBytecode(f.bytecode, 'vulnerability', DEFAULT_RULES)
    expect(full.complete).toBe(true)
    expect(full.incompleteFunctions).toEqual([])
    const starved = analyzeBytecode(f.bytecode, 'vulnerability', {
      ...DEFAULT_RULES,
      limits: { maxSteps: 250_000, maxVisitsPerBlock: 12, maxStepsPerFunction: 40 },
    })
    expect(starved.complete).toBe(false)
    expect(starved.incompleteFunctions.length).toBeGreaterThan(1)
    for (const fn of starved.incompleteFunctions) expect(fn).toMatch(/^(0x[0-9a-f]{8}|fallback)$/)
  })

  it('names the function selector in the evidence of path-based findings', () => {
    const f = fixtures.find((x) => x.contract === 'HiddenQuiz' && !x.optimizer)!
    const [hit] = analyzeBytecode(f.bytecode, 'honeypot', DEFAULT_RULES).findings
    expect(hit?.evidence[0]?.reason).toMatch(/function 0x[0-9a-f]{8}/)
  })
})
