import { describe, expect, it } from 'vitest'
import { CliError } from '@tollgate/cli'
import { csvField, parseCsv } from '../src/lib/csv.js'

describe('parseCsv', () => {
  it('reads quoted fields, escaped quotes, CRLF, a BOM and blank lines', () => {
    const text =
      '\ufeffcustomerId,name,note\r\ncus_1,"Acme, Inc.","say ""hi"""\r\n\r\ncus_2,Beta,"two\nlines"\n'
    const { header, rows } = parseCsv(text)
    expect(header).toEqual(['customerId', 'name', 'note'])
    expect(rows).toEqual([
      { line: 2, values: { customerId: 'cus_1', name: 'Acme, Inc.', note: 'say "hi"' } },
      { line: 4, values: { customerId: 'cus_2', name: 'Beta', note: 'two\nlines' } },
    ])
  })

  it('fills missing trailing fields and rejects extra ones with the line number', () => {
    expect(parseCsv('a,b\n1\n').rows[0]!.values).toEqual({ a: '1', b: '' })
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(/line 2/)
  })

  it('rejects an empty file and an unterminated quote as usage errors', () => {
    for (const bad of ['', '\n\n', 'a\n"open']) {
      try {
        parseCsv(bad)
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(CliError)
        expect((err as CliError).exitCode).toBe(2)
      }
    }
  })

  it('round-trips fields that need quoting', () => {
    const values = ['plain', 'a,b', 'say "x"', 'multi\nline']
    const { rows } = parseCsv(`h1,h2,h3,h4\n${values.map(csvField).join(',')}\n`)
    expect(Object.values(rows[0]!.values)).toEqual(values)
  })
})
