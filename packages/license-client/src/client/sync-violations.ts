import type { Transport } from './transport.js'

/** A violation the client reports to the server. */
export interface Violation {
  kind: string
  severity: string
  details: Record<string, unknown>
}

/**
 * Violations waiting for the next successful round (at most 20; more are dropped: the server
 * counts repeats of one kind anyway). Each is removed only once the server took it.
 *
 * @example
 * ```ts
 * queue.add({ kind: 'clock_tampered', severity: 'high', details: {} })
 * await queue.send(transport, key, deploymentId)
 * ```
 */
export class ViolationQueue {
  readonly #pending: Violation[] = []

  /** Queues a violation report, sent with the next round. */
  add(v: Violation): void {
    if (this.#pending.length < 20) this.#pending.push(v)
  }

  /** Sends the queued reports in order; a failure throws and keeps the rest queued. */
  async send(transport: Transport, key: string, deploymentId: string): Promise<void> {
    while (this.#pending.length > 0) {
      const v = this.#pending[0]!
      await transport.post('/v1/violations', { key, deploymentId, ...v })
      this.#pending.shift()
    }
  }
}
