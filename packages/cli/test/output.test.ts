import { describe, expect, it } from 'vitest'
import { formatCell, renderRecord, renderTable, tableCells } from '../src/lib/output.js'
import { progressLine, startProgress } from '../src/lib/progress.js'

const columns = [
  { key: 'id', header: 'ID' },
  { key: 'status', header: 'STATUS' },
  { key: 'entitlements', header: 'ENTITLEMENTS' },
]
const rows = [
  { id: 'lic_1', status: 'active', entitlements: ['sso', 'audit'] },
  { id: 'lic_22222', status: 'revoked', entitlements: [] },
]

describe('tables', () => {
  it('aligns columns on two-space gutters without colour', () => {
    const text = renderTable(columns, rows, { color: false })
    expect(text).toBe(
      [
        'ID         STATUS   ENTITLEMENTS',
        'lic_1      active   sso,audit',
        'lic_22222  revoked  -',
        '',
      ].join('\n'),
    )
    expect(text).not.toContain('\u001b[')
  })

  it('colours headers and statuses only when asked, keeping alignment', () => {
    const text = renderTable(columns, rows, { color: true })
    expect(text).toContain('\u001b[1mID\u001b[0m')
    expect(text).toContain('\u001b[31mrevoked\u001b[0m')
    const plain = text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    expect(plain).toBe(renderTable(columns, rows, { color: false }))
  })

  it('formats cells predictably', () => {
    expect(formatCell(null)).toBe('-')
    expect(formatCell(undefined)).toBe('-')
    expect(formatCell({ users: 5, projects: 10 })).toBe('users=5 projects=10')
    expect(formatCell({})).toBe('-')
    expect(formatCell({ a: { b: 1 } })).toBe('{"a":{"b":1}}')
    // Timestamps to the second, no milliseconds.
    expect(formatCell('2027-01-05T21:07:31.000Z')).toBe('2027-01-05 21:07:31Z')
    expect(formatCell('2027-01-05T21:07:31Z')).toBe('2027-01-05 21:07:31Z')
    expect(formatCell('2027-01-05')).toBe('2027-01-05')
    expect(
      formatCell(
        { expiryGraceDays: 14, offlineGraceDays: 30, heartbeatIntervalS: 3600, maxDeployments: 1 },
        'policy',
      ),
    ).toBe('expiry grace 14d, offline grace 30d, heartbeat 1h, max 1 deployment')
    expect(formatCell({ heartbeatIntervalS: 90, maxDeployments: 0 }, 'policy')).toBe(
      'heartbeat 90s, unlimited deployments',
    )
    expect(formatCell(3)).toBe('3')
    expect(tableCells(columns, rows)[1]).toEqual(['lic_1', 'active', 'sso,audit'])
  })

  it('says so when there are no rows', () => {
    expect(renderTable(columns, [], { color: false })).toBe('No results.\n')
  })

  it('renders records as aligned key/value lines', () => {
    expect(renderRecord({ id: 'lic_1', customerId: 'cus_1' }, { color: false })).toBe(
      'id          lic_1\ncustomerId  cus_1\n',
    )
  })
})

describe('progress', () => {
  it('draws a bar with counts and failures', () => {
    expect(progressLine(0, 4, 0, 8)).toBe('[--------] 0/4')
    expect(progressLine(2, 4, 1, 8)).toBe('[####----] 2/4  1 failed')
    expect(progressLine(4, 4, 0, 8)).toBe('[########] 4/4')
  })

  it('redraws in place on a terminal and writes nothing otherwise', () => {
    let tty = ''
    const p = startProgress({ write: (s: string) => (tty += s) }, true, 2, 'Issuing')
    p.tick()
    p.tick(true)
    p.done()
    expect(tty.split('\r').filter(Boolean)).toHaveLength(3)
    expect(tty).toContain('2/2  1 failed')
    let pipe = ''
    const q = startProgress({ write: (s: string) => (pipe += s) }, false, 2, 'Issuing')
    q.tick()
    q.done()
    expect(pipe).toBe('')
  })
})
