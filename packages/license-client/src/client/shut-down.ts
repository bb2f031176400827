import type { ClientParts } from './client-parts.js'
import type { SeatHandle } from './seats/seat-handle.js'

/** close() waits at most this long for held seats to check in before aborting the calls. */
const SEAT_RELEASE_ON_CLOSE_MS = 2_000

/**
 * The work of `LicenseClient.close()` after its own timers: held seats check in (bounded), calls
 * in flight are aborted, then usage, trusted time and queued writes reach the disk and the
 * owner lock is released.
 *
 * @example
 * ```ts
 * await shutDown(parts, seats)
 * ```
 */
export async function shutDown(p: ClientParts, seats: ReadonlySet<SeatHandle>): Promise<void> {
  if (seats.size > 0) {
    let timer: NodeJS.Timeout | undefined
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SEAT_RELEASE_ON_CLOSE_MS)
      timer.unref()
    })
    await Promise.race([Promise.all([...seats].map((s) => s.release())), cap])
    clearTimeout(timer)
  }
  // Abort a call in flight first, so close() never waits out a request timeout.
  const stopping = p.scheduler?.stop()
  await p.transport?.close()
  await stopping
  await p.usage.persist()
  await p.core.persistClock(true)
  await p.store.flush()
  await p.stop()
}
