// The usage file is parsed again only when it changed on disk: a client recording every second
// must not re-read and re-validate a 16 MB file each time. Real files; the storage layer is
// watched through a spy, never replaced.
import { readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLicenseClient } from '@tollgate/license-client'
import { ClientStore } from '../src/client/storage.js'
import { jwks, recordingLogger, tempDir, token } from './client-fixtures.js'

let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => {
  vi.restoreAllMocks()
  cleanup()
})

describe('usage file reads', () => {
  it('are skipped while the file is unchanged; a rewrite with a new mtime costs one read', async () => {
    const client = await createLicenseClient({
      token,
      publicKeys: jwks,
      storageDir: dir,
      autoHeartbeat: false,
      logger: recordingLogger(),
    })
    const readJson = vi.spyOn(ClientStore.prototype, 'readJson')
    const usageReads = () => readJson.mock.calls.filter(([file]) => file === 'usage').length

    for (let i = 0; i < 5; i++) {
      client.recordUsage('api_calls', 1)
      expect(await client.flushUsage()).toBe(true)
    }
    expect(usageReads()).toBe(0)

    // The same bytes written again (as a backup restore or another process would): new mtime.
    const path = join(dir, 'usage.json')
    const bytes = readFileSync(path)
    writeFileSync(path, bytes)
    const later = new Date(Date.now() + 60_000)
    utimesSync(path, later, later)

    for (let i = 0; i < 3; i++) {
      client.recordUsage('api_calls', 1)
      expect(await client.flushUsage()).toBe(true)
    }
    expect(usageReads()).toBe(1)

    const file = JSON.parse(readFileSync(path, 'utf8')) as { data: { open: { amount: number }[] } }
    expect(file.data.open.reduce((s, c) => s + c.amount, 0)).toBe(8)
    await client.close()
  })
})
