import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'

/** One message the catcher received. */
export interface CaughtMail {
  from: string
  to: string[]
  subject: string
  body: string
  /** The license key in the body, when there is one. */
  licenseKey: string | undefined
}

/** A license key on a line of its own: `PREFIX-<header>.<payload>.<signature>-<crc32>`. */
const KEY_LINE = /^[A-Z][A-Z0-9]{1,7}-[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+-[0-9a-f]{8}$/m

/**
 * Finds the license key in a delivery email.
 *
 * @example
 * ```ts
 * extractLicenseKey(mail.body) // 'TG1-eyJ…-1a2b3c4d'
 * ```
 */
export function extractLicenseKey(text: string): string | undefined {
  return KEY_LINE.exec(text)?.[0]
}

function parse(raw: string, from: string, to: string[]): CaughtMail {
  const split = raw.indexOf('\r\n\r\n')
  const head = split < 0 ? raw : raw.slice(0, split)
  let body = split < 0 ? '' : raw.slice(split + 4)
  const header = (name: string): string =>
    new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? ''
  if (/base64/i.test(header('Content-Transfer-Encoding'))) {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  }
  body = body.replace(/\r\n/g, '\n')
  return { from, to, subject: header('Subject'), body, licenseKey: extractLicenseKey(body) }
}

/**
 * A local SMTP sink standing in for the buyer's mailbox: it accepts every message (no TLS, no
 * auth; bind it to localhost only) and keeps it. Point the license server at it with
 * `SMTP_HOST=127.0.0.1 SMTP_PORT=<port>` and the license keys billing sends arrive here.
 */
export class MailCatcher {
  readonly messages: CaughtMail[] = []
  readonly #server: Server
  readonly #listeners = new Set<(m: CaughtMail) => void>()
  readonly #sockets = new Set<Socket>()

  private constructor(server: Server) {
    this.#server = server
    server.on('connection', (socket) => this.#session(socket))
  }

  /**
   * Starts listening (port 0: any free port).
   *
   * @example
   * ```ts
   * const mail = await MailCatcher.start({ port: 2525 })
   * const msg = await mail.waitFor((m) => m.licenseKey !== undefined)
   * ```
   */
  static async start(opts: { port?: number; host?: string } = {}): Promise<MailCatcher> {
    const server = createServer()
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1')
    await once(server, 'listening')
    return new MailCatcher(server)
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port
  }

  /** Calls `fn` for every message received from now on; returns an unsubscribe function. */
  onMail(fn: (m: CaughtMail) => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  /** The first message (already received or coming) matching `match`, or undefined on timeout. */
  waitFor(match: (m: CaughtMail) => boolean, timeoutMs = 15_000): Promise<CaughtMail | undefined> {
    const found = this.messages.find(match)
    if (found) return Promise.resolve(found)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off()
        resolve(undefined)
      }, timeoutMs)
      const off = this.onMail((m) => {
        if (!match(m)) return
        clearTimeout(timer)
        off()
        resolve(m)
      })
    })
  }

  async close(): Promise<void> {
    this.#server.close()
    for (const socket of this.#sockets) socket.destroy()
    await once(this.#server, 'close').catch(() => undefined)
  }

  #session(socket: Socket): void {
    let buffer = ''
    let data: string[] | undefined
    let from = ''
    let to: string[] = []
    const reply = (line: string): void => void socket.write(`${line}\r\n`)
    this.#sockets.add(socket)
    socket.on('close', () => this.#sockets.delete(socket))
    socket.setEncoding('utf8')
    socket.on('error', () => socket.destroy())
    reply('220 tollgate-mail-catcher ESMTP')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      let i: number
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 2)
        if (data !== undefined) {
          if (line !== '.') {
            data.push(line.startsWith('..') ? line.slice(1) : line)
            continue
          }
          const mail = parse(data.join('\r\n'), from, to)
          data = undefined
          this.messages.push(mail)
          for (const fn of this.#listeners) fn(mail)
          reply('250 OK: queued')
          continue
        }
        switch (line.slice(0, 4).toUpperCase()) {
          case 'EHLO':
            reply('250-tollgate-mail-catcher')
            reply('250 8BITMIME')
            break
          case 'HELO':
          case 'NOOP':
          case 'RSET':
            reply('250 OK')
            break
          case 'MAIL':
            from = /<([^>]*)>/.exec(line)?.[1] ?? ''
            to = []
            reply('250 OK')
            break
          case 'RCPT':
            to.push(/<([^>]*)>/.exec(line)?.[1] ?? '')
            reply('250 OK')
            break
          case 'DATA':
            data = []
            reply('354 End data with <CR><LF>.<CR><LF>')
            break
          case 'QUIT':
            reply('221 Bye')
            socket.end()
            break
          default:
            reply('502 Command not implemented')
        }
      }
    })
  }
}
