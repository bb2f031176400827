import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { canonicalJson } from '@tollgate/license-client/attestation'
import { nodeFlags } from '../sandbox/spawn-worker.js'
import type { WorkerLimits } from '../sandbox/spawn-worker.js'

const cache = new Map<string, string>()

function fileSha384(path: string): string {
  const st = statSync(path)
  const key = `${path}:${st.size}:${st.mtimeMs}`
  const hit = cache.get(key)
  if (hit) return hit
  const hash = createHash('sha384')
  const buf = Buffer.alloc(1 << 20)
  const fd = openSync(path, 'r')
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n))
  } finally {
    closeSync(fd)
  }
  const hex = hash.digest('hex')
  cache.set(key, hex)
  return hex
}

/**
 * What PCR1 measures: the node binary that runs the worker (SHA-384 of its file), its
 * version, the exact sandbox flags and limits, and whether bubblewrap wraps it.
 */
export function runtimeDescription(limits: WorkerLimits, sandbox: 'bwrap' | 'none'): string {
  const exec = realpathSync(process.execPath)
  return canonicalJson({
    node: process.version,
    execSha384: fileSha384(exec),
    flags: nodeFlags(limits),
    limits: {
      memoryMb: limits.memoryMb,
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes,
    },
    sandbox,
  })
}
