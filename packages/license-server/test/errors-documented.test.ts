import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../src/errors/error-codes.js'

const doc = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8')
const documented = new Set([...doc.matchAll(/^## ([A-Z][A-Z0-9_]+)\s*$/gm)].map((m) => m[1]))

describe('docs/errors.md', () => {
  it('documents every code of the error table', () => {
    const missing = Object.keys(ERROR_CODES).filter((c) => !documented.has(c))
    expect(missing, `add a "## CODE" section to docs/errors.md for: ${missing.join(', ')}`).toEqual(
      [],
    )
  })

  it('states the HTTP status of every code in its section', () => {
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      if (!documented.has(code)) continue
      const section = doc.split(`## ${code}\n`)[1]?.split('\n## ')[0] ?? ''
      expect(section, code).toContain(String(status))
    }
  })

  it('documents no code that does not exist', () => {
    const extra = [...documented].filter((c) => c === undefined || !(c in ERROR_CODES))
    expect(extra).toEqual([])
  })
})
