// DATA_DIR at rest (issue 20): a pre-created 0755 directory is locked down at start.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { secureDataDir } from '../src/security/secure-data-dir.js'
import { TEST_MASTER_KEY } from './helpers/test-app.js'

const root = mkdtempSync(join(tmpdir(), 'tollgate-datadir-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const mode = (p: string) => statSync(p).mode & 0o777

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    return e.isDirectory() ? [p, ...walk(p)] : [p]
  })
}

describe('DATA_DIR permissions', () => {
  it('fixes a 0755 directory and 0644/0666 files, and reports what it fixed', () => {
    const dir = join(root, 'pre')
    mkdirSync(join(dir, 'pgdata', 'base'), { recursive: true })
    chmodSync(dir, 0o755)
    chmodSync(join(dir, 'pgdata'), 0o755)
    writeFileSync(join(dir, 'pgdata', 'base', 'wal'), 'x', { mode: 0o666 })
    chmodSync(join(dir, 'pgdata', 'base', 'wal'), 0o666)
    writeFileSync(join(dir, 'master.key'), 'k', { mode: 0o600 })
    const fixed = secureDataDir(dir)
    expect(fixed.length).toBe(4) // dir, pgdata, pgdata/base (umask 022), wal
    expect(mode(dir)).toBe(0o700)
    expect(mode(join(dir, 'pgdata'))).toBe(0o700)
    expect(mode(join(dir, 'pgdata', 'base', 'wal'))).toBe(0o600)
    expect(secureDataDir(dir)).toEqual([])
  })

  it('a server started on a pre-made 0755 DATA_DIR leaves nothing readable by others', async () => {
    const dir = join(root, 'server')
    mkdirSync(dir, { mode: 0o755 })
    chmodSync(dir, 0o755)
    const app = await buildApp({
      env: {},
      config: { dataDir: dir, masterKey: TEST_MASTER_KEY, logLevel: 'silent' },
      logger: false,
    })
    try {
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
    } finally {
      await app.close()
    }
    expect(mode(dir)).toBe(0o700)
    const open = walk(dir).filter((p) => (mode(p) & 0o077) !== 0)
    expect(open).toEqual([])
  }, 120_000)
})
