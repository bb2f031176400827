/** One outgoing message. */
export interface OutgoingMessage {
  to: string
  subject: string
  text: string
  /** The outbox id, usable as an idempotency key by senders that support one. */
  id: string
}

/**
 * Delivers a message or throws. The outbox worker retries a throw with backoff, so a sender
 * reports failure instead of swallowing it.
 *
 * @example
 * ```ts
 * const sender: MessageSender = { name: 'custom', async send(m) { await myMailApi.post(m) } }
 * ```
 */
export interface MessageSender {
  /** For logs and health: `log`, `smtp`, ... */
  readonly name: string
  send(message: OutgoingMessage): Promise<void>
}
