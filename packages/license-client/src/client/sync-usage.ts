import { NetworkError } from '../errors.js'
import type { ClientCore } from './core.js'
import type { Transport } from './transport.js'
import type { Logger } from './types.js'
import { splitBatch, type UsageBatch, type UsageLedger } from './usage-ledger.js'

/** What sending usage needs from the client. */
export interface UsageSyncDeps {
  core: ClientCore
  transport: Transport
  usage: UsageLedger
  logger: Logger
}

/**
 * Sends pending usage batches. Each batch is on disk before its first send (the ledger writes
 * it before handing it out); a batch refused as a whole (400 for one counter, 413) is split
 * in halves, the halves written, then sent, down to the single counter the server refuses,
 * which alone is dropped (loudly). Network failures stop the round (they throw): the batches
 * stay pending and are resent with the same ids.
 *
 * @example
 * ```ts
 * await flushUsage({ core, transport, usage, logger }, key)
 * ```
 */
export async function flushUsage(d: UsageSyncDeps, key: string): Promise<void> {
  // Pending batches first; then what was still open is sealed and sent in the same round.
  for (let pass = 0; pass < 2; pass++) {
    const sent = await sendPendingUsage(d, key)
    if (!sent) return
  }
}

/** Sends every pending batch; false when it had to stop (nothing pending, network, disk). */
async function sendPendingUsage(d: UsageSyncDeps, key: string): Promise<boolean> {
  const { usage, transport, core, logger } = d
  const batches = await usage.takeBatches()
  if (batches === undefined) {
    logger.warn(
      { code: 'STORAGE_ERROR' },
      'Usage could not be written to disk; nothing sent (it stays pending in memory)',
    )
    return false
  }
  if (batches.length === 0) return false
  const work: UsageBatch[] = [...batches]
  while (work.length > 0) {
    const batch = work.shift()!
    const body = { key, deploymentId: core.opts.deploymentId, ...batch }
    let replacement: UsageBatch[] = []
    try {
      await transport.post('/v1/usage', body)
    } catch (err) {
      if (!(err instanceof NetworkError && (err.status === 400 || err.status === 413))) throw err
      if (batch.counters.length > 1) {
        replacement = splitBatch(batch)
      } else {
        logger.error(
          { code: 'USAGE_REFUSED', status: err.status, counter: batch.counters[0] },
          `The server refused a usage counter (${err.serverCode ?? err.status}); dropped`,
        )
      }
    }
    if (!(await usage.settle(batch.batchId, replacement))) return false
    work.unshift(...replacement)
  }
  return true
}
