import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  EnclaveError,
  SELF_TEST_MARKER,
  createEnclaveRunner,
  detectBwrap,
} from '@tollgate/enclave-runner'
import type { EnclaveRunner, Probe, ProbeOutcome } from '@tollgate/enclave-runner'
import { bundleTo, licensing } from './helpers.js'

const bwrap = detectBwrap()
if (!bwrap.available) console.log(`[sandbox.test] bubblewrap checks skipped: ${bwrap.reason}`)

async function failureCode(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    if (e instanceof EnclaveError) return e.code
    throw e
  }
  return 'OK'
}

describe('sandbox, probed from inside the worker', () => {
  const lic = licensing()
  let runner: EnclaveRunner
  // Only an infinite loop meets the wall-clock limit, so only its runner has a short one. The
  // limit counts the worker's start-up too (bwrap + node), which alone takes seconds at load 8:
  // with 2 s for every probe, a memory bomb was killed as WORKER_TIMEOUT before it filled its cap.
  let shortClock: EnclaveRunner
  let outside: string
  let server: Server
  let port = 0

  beforeAll(async () => {
    const workerPath = await bundleTo(true)
    expect(readFileSync(workerPath, 'utf8')).toContain(SELF_TEST_MARKER)
    const limits = { memoryMb: 160, maxOutputBytes: 256 * 1024 }
    runner = await createEnclaveRunner({
      jwks: lic.jwks,
      workerPath,
      // A margin, not a budget: the memory and output caps must be what ends those probes. Under
      // the test timeout, so a cap that never trips fails as WORKER_TIMEOUT, not as a hang.
      limits: { ...limits, timeoutMs: 100_000 },
    })
    shortClock = await createEnclaveRunner({
      jwks: lic.jwks,
      workerPath,
      limits: { ...limits, timeoutMs: 2_000 },
    })
    outside = join(mkdtempSync(join(tmpdir(), 'tollgate-outside-')), 'secret.txt')
    writeFileSync(outside, 'not for the worker')
    server = createServer((s) => s.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    port = typeof address === 'object' && address ? address.port : 0
  })
  afterAll(() => {
    runner?.close()
    shortClock?.close()
    server?.close()
  })

  const probe = async (p: Probe, r: EnclaveRunner = runner): Promise<ProbeOutcome> => {
    const [out] = await r.probe([p])
    return out!
  }

  it('the production worker bundle contains no probe code', async () => {
    const prod = readFileSync(await bundleTo(false), 'utf8')
    expect(prod).not.toContain(SELF_TEST_MARKER)
    expect(prod).not.toContain('runProbes')
  })

  it('can read its own bundle (control: the probe itself works)', async () => {
    const out = await probe({
      op: 'read',
      path: join(runner.sandbox === 'bwrap' ? '/enclave' : runner.stagingDir, 'analysis.sealed'),
    })
    expect(out).toMatchObject({ allowed: true })
  })

  it('cannot read outside its bundle', async () => {
    // A sibling whose name extends the bundle directory's: a prefix match would let it through.
    mkdirSync(`${runner.stagingDir}-sibling`, { recursive: true })
    const sibling = join(`${runner.stagingDir}-sibling`, 'secret.txt')
    writeFileSync(sibling, 'also not for the worker')
    for (const path of [outside, '/etc/passwd', sibling]) {
      const out = await probe({ op: 'read', path })
      expect(out.allowed, `${path}: ${out.detail}`).toBe(false)
    }
  })

  it('cannot spawn processes', async () => {
    const out = await probe({ op: 'spawn' })
    expect(out.allowed, out.detail).toBe(false)
    expect(out.detail).toBe('ERR_ACCESS_DENIED')
  })

  it.skipIf(!bwrap.available)(
    'has no network under bwrap (and the same probe connects without bwrap)',
    async () => {
      expect(runner.sandbox).toBe('bwrap')
      const inside = await probe({ op: 'net', host: '127.0.0.1', port })
      expect(inside.allowed, inside.detail).toBe(false)
      const open = await createEnclaveRunner({
        jwks: lic.jwks,
        workerPath: await bundleTo(true),
        sandbox: 'none',
      })
      try {
        const control = await probe({ op: 'net', host: '127.0.0.1', port }, open)
        expect(control.allowed, control.detail).toBe(true)
        expect(open.measurement[1]).not.toBe(runner.measurement[1]) // weaker sandbox, other PCR1
      } finally {
        open.close()
      }
    },
  )

  it('an infinite loop is SIGKILLed at the wall-clock limit and reported as WORKER_TIMEOUT', async () => {
    expect(await failureCode(shortClock.probe([{ op: 'loop' }]))).toBe('WORKER_TIMEOUT')
  })

  it('a V8 heap bomb is killed and reported as WORKER_MEMORY_EXCEEDED', async () => {
    expect(await failureCode(runner.probe([{ op: 'heap' }]))).toBe('WORKER_MEMORY_EXCEEDED')
  })

  it('an off-heap (Buffer) memory bomb is killed by the RSS cap and reported as WORKER_MEMORY_EXCEEDED', async () => {
    expect(await failureCode(runner.probe([{ op: 'buffer' }]))).toBe('WORKER_MEMORY_EXCEEDED')
  })

  it('an output flood is killed at the output cap and reported as WORKER_OUTPUT_TOO_LARGE', async () => {
    expect(await failureCode(runner.probe([{ op: 'flood' }]))).toBe('WORKER_OUTPUT_TOO_LARGE')
  })
})
