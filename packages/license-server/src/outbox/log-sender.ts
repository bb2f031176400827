import type { MessageSender, OutgoingMessage } from './message-sender.js'

/** The logging surface the log sender needs (a pino / Fastify logger fits). */
export interface SenderLogger {
  info(obj: object, msg: string): void
}

/**
 * The default sender when no SMTP server is configured: it logs that a message was "sent"
 * (recipient, subject, outbox id) and keeps nothing else. The body is not logged because it
 * holds the buyer's license key; read it from the outbox before delivery, or configure SMTP.
 *
 * @example
 * ```ts
 * const sender = createLogSender(app.log)
 * ```
 */
export function createLogSender(logger: SenderLogger): MessageSender {
  return {
    name: 'log',
    send(m: OutgoingMessage): Promise<void> {
      logger.info({ outboxId: m.id, to: m.to, subject: m.subject }, 'outbox message (log sender)')
      return Promise.resolve()
    },
  }
}
