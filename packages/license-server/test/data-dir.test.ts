import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/load-config.js'

// `npx -y pnpm@10 start` runs the server in packages/license-server; the README promises the
// data under ./.tollgate of the directory the user typed the command in (INIT_CWD).
describe('DATA_DIR is relative to where the user ran the command', () => {
  it('resolves the default against INIT_CWD (set by npm and pnpm)', () => {
    expect(loadConfig({ INIT_CWD: '/home/me/tollgate' }).dataDir).toBe(
      '/home/me/tollgate/.tollgate',
    )
  })

  it('resolves a relative DATA_DIR against INIT_CWD', () => {
    expect(loadConfig({ INIT_CWD: '/srv/app', DATA_DIR: 'state/db' }).dataDir).toBe(
      '/srv/app/state/db',
    )
  })

  it('falls back to the process directory outside a package manager', () => {
    expect(loadConfig({ DATA_DIR: 'x' }).dataDir).toBe(resolve(process.cwd(), 'x'))
  })

  it('keeps absolute paths and memory:// as given', () => {
    expect(loadConfig({ INIT_CWD: '/a', DATA_DIR: '/var/lib/tollgate' }).dataDir).toBe(
      '/var/lib/tollgate',
    )
    expect(loadConfig({ INIT_CWD: '/a', DATA_DIR: 'memory://' }).dataDir).toBe('memory://')
  })
})
