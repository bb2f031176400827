import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { EnvSchema } from '../src/config/config.schema.js'

const doc = readFileSync(fileURLToPath(new URL('../../../docs/server.md', import.meta.url)), 'utf8')

describe('docs/server.md', () => {
  it('has a config table row for every environment variable the server reads', () => {
    const missing = Object.keys(EnvSchema.properties).filter(
      (v) => !new RegExp(`^\\|\\s*\`${v}\`\\s*\\|`, 'm').test(doc),
    )
    expect(missing).toEqual([])
  })
})
