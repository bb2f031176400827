import { readFileSync } from 'node:fs'

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
  } catch {
    return []
  }
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/**
 * Resident memory (MiB) of a process and all its descendants, from /proc. Covers memory
 * outside the V8 heap (Buffers, wasm) that --max-old-space-size does not. 0 off Linux.
 */
export function treeRssMb(root: number): number {
  let kb = 0
  const stack = [root]
  for (let n = 0; stack.length > 0 && n < 64; n++) {
    const pid = stack.pop()
    if (pid === undefined) break
    kb += rssKb(pid)
    stack.push(...children(pid))
  }
  return kb / 1024
}
