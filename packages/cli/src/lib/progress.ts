import type { Writer } from '../context.js'

/** A progress bar on stderr for bulk work; silent when stderr is not a terminal. */
export interface Progress {
  tick(failed?: boolean): void
  done(): void
}

/** Renders one frame: `[#####-----]  12/40  2 failed`. Exposed for tests. */
export function progressLine(done: number, total: number, failed: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width)
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled)
  return `[${bar}] ${String(done).padStart(String(total).length)}/${total}${failed ? `  ${failed} failed` : ''}`
}

/**
 * Starts a progress bar. On a terminal it redraws one line in place; elsewhere it writes
 * nothing, so logs and pipes stay clean (per-row results come in the command's output).
 */
export function startProgress(out: Writer, isTTY: boolean, total: number, label: string): Progress {
  let done = 0
  let failed = 0
  const draw = (): void => {
    if (isTTY) out.write(`\r${label} ${progressLine(done, total, failed)}`)
  }
  draw()
  return {
    tick(didFail = false) {
      done += 1
      if (didFail) failed += 1
      draw()
    },
    done() {
      if (isTTY) out.write('\n')
    },
  }
}
