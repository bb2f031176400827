import { connect as netConnect, type Socket } from 'node:net'
import { hostname } from 'node:os'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'
import { SmtpError, SmtpSession } from './smtp-session.js'
import type { MessageSender, OutgoingMessage } from './message-sender.js'

/** Where and how to submit mail. */
export interface SmtpOptions {
  host: string
  /** Default 587 (465 when `secure`). */
  port?: number
  /** Implicit TLS from the first byte (port 465). Otherwise STARTTLS is used when offered. */
  secure?: boolean
  user?: string | undefined
  password?: string | undefined
  /** The envelope and header sender, e.g. `licenses@vendor.example`. */
  from: string
  /** Per-command timeout, ms (default 15000). */
  timeoutMs?: number
  /** Send AUTH over a connection that is not encrypted (local test servers only). */
  allowInsecureAuth?: boolean
  /** Extra TLS options (e.g. `ca` for a private relay). */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean }
}

const ADDRESS = /^[^\s<>@",;]+@[^\s<>@",;]+$/

function header(value: string): string {
  if (/[\r\n]/.test(value)) throw new SmtpError('SMTP_BAD_MESSAGE', 'Header contains a line break')
  // RFC 2047 for anything outside printable ASCII.
  return /^[ -~]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`
}

/**
 * The RFC 5322 message, CRLF line endings; non-ASCII bodies are base64-encoded.
 *
 * @example
 * ```ts
 * const data = buildMessage('licenses@vendor.example', { id, to, subject, text }, 'vendor.example', new Date())
 * ```
 */
export function buildMessage(from: string, m: OutgoingMessage, domain: string, date: Date): string {
  const ascii = /^\p{ASCII}*$/u.test(m.text)
  const body = ascii
    ? m.text.replace(/\r?\n/g, '\r\n')
    : (
        Buffer.from(m.text)
          .toString('base64')
          .match(/.{1,76}/g) ?? []
      ).join('\r\n')
  return [
    `From: ${header(from)}`,
    `To: ${header(m.to)}`,
    `Subject: ${header(m.subject)}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${m.id}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${ascii ? '7bit' : 'base64'}`,
    '',
    body,
  ].join('\r\n')
}

/**
 * A small SMTP submission client over `node:net` / `node:tls`: EHLO, STARTTLS when offered,
 * AUTH PLAIN, one recipient per message. Credentials never appear in errors or logs, and AUTH
 * is refused over plaintext unless `allowInsecureAuth` is set.
 *
 * @example
 * ```ts
 * const sender = createSmtpSender({ host: 'smtp.example.com', user: 'apikey', password, from: 'licenses@vendor.example' })
 * ```
 */
export function createSmtpSender(opts: SmtpOptions): MessageSender {
  if (!ADDRESS.test(opts.from))
    throw new SmtpError('SMTP_BAD_MESSAGE', 'SMTP from is not an address')
  const port = opts.port ?? (opts.secure ? 465 : 587)
  const timeoutMs = opts.timeoutMs ?? 15_000
  const domain = opts.from.split('@')[1] ?? 'localhost'
  const open = (): Socket | TLSSocket =>
    opts.secure
      ? tlsConnect({ host: opts.host, port, servername: opts.host, ...opts.tls })
      : netConnect({ host: opts.host, port })
  return {
    name: 'smtp',
    async send(m: OutgoingMessage): Promise<void> {
      if (!ADDRESS.test(m.to))
        throw new SmtpError('SMTP_BAD_MESSAGE', 'Recipient is not an address')
      const session = await SmtpSession.open(open(), timeoutMs)
      try {
        await session.expect(220)
        let caps = await session.ehlo(hostname() || 'localhost')
        if (!session.encrypted && caps.has('STARTTLS')) {
          await session.command('STARTTLS', 220)
          await session.upgrade({ servername: opts.host, ...opts.tls })
          caps = await session.ehlo(hostname() || 'localhost')
        }
        if (opts.user !== undefined && opts.password !== undefined) {
          if (!session.encrypted && !opts.allowInsecureAuth) {
            throw new SmtpError('SMTP_INSECURE', 'Refusing to send credentials without TLS')
          }
          const plain = Buffer.from(`\0${opts.user}\0${opts.password}`).toString('base64')
          await session.command(`AUTH PLAIN ${plain}`, 235, 'AUTH PLAIN')
        }
        await session.command(`MAIL FROM:<${opts.from}>`, 250)
        await session.command(`RCPT TO:<${m.to}>`, [250, 251])
        await session.command('DATA', 354)
        const data = buildMessage(opts.from, m, domain, new Date())
        // Dot-stuffing: a line starting with "." gets another one.
        await session.command(`${data.replace(/^\./gm, '..')}\r\n.`, 250, 'message body')
        await session.command('QUIT', 221).catch(() => undefined)
      } finally {
        session.close()
      }
    },
  }
}
