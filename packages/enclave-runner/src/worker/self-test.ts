// Sandbox probes, compiled only into the self-test worker bundle: they try what the sandbox
// must forbid (and the resource bombs it must kill) from inside the real worker.
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import type { Probe, ProbeOutcome } from './protocol.js'

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string }
  return e.code ?? e.message ?? String(err)
}

async function probe(p: Probe): Promise<ProbeOutcome> {
  switch (p.op) {
    case 'read':
      try {
        readFileSync(p.path)
        return { op: p.op, allowed: true, detail: `read ${p.path}` }
      } catch (err) {
        return { op: p.op, allowed: false, detail: describe(err) }
      }
    case 'spawn':
      try {
        const cp = await import('node:child_process')
        cp.execFileSync('/bin/true')
        return { op: p.op, allowed: true, detail: 'spawned /bin/true' }
      } catch (err) {
        return { op: p.op, allowed: false, detail: describe(err) }
      }
    case 'net':
      return new Promise((resolve) => {
        const socket = connect({ host: p.host, port: p.port })
        const done = (allowed: boolean, detail: string): void => {
          socket.destroy()
          resolve({ op: p.op, allowed, detail })
        }
        socket.setTimeout(2_000, () => done(false, 'timeout'))
        socket.on('connect', () => done(true, `connected to ${p.host}:${p.port}`))
        socket.on('error', (err) => done(false, describe(err)))
      })
    case 'loop':
      for (;;) {
        // spin until the launcher's wall-clock timeout kills us
      }
    case 'heap': {
      const hoard: object[] = []
      for (;;) hoard.push({ a: Math.random(), b: [1, 2, 3] })
    }
    case 'buffer': {
      const hoard: Buffer[] = []
      for (;;) {
        hoard.push(Buffer.alloc(16 * 1024 * 1024, 1)) // touched pages: real RSS, outside the V8 heap
        await new Promise((r) => setImmediate(r))
      }
    }
    case 'flood': {
      const chunk = 'x'.repeat(64 * 1024)
      for (;;) {
        process.stdout.write(chunk)
        await new Promise((r) => setImmediate(r))
      }
    }
  }
}

/** Run each probe in order and report what the sandbox allowed. */
export async function runProbes(probes: readonly Probe[]): Promise<ProbeOutcome[]> {
  const out: ProbeOutcome[] = []
  for (const p of probes) out.push(await probe(p))
  return out
}
