import type { Socket } from 'node:net'
import { connect as tlsConnect, TLSSocket, type ConnectionOptions } from 'node:tls'

/**
 * A failed SMTP exchange; `reply` is the server's answer (never our credentials).
 *
 * @example
 * ```ts
 * if (err instanceof SmtpError && err.code === 'SMTP_REJECTED') retryLater()
 * ```
 */
export class SmtpError extends Error {
  readonly code: 'SMTP_REJECTED' | 'SMTP_CONNECTION' | 'SMTP_BAD_MESSAGE' | 'SMTP_INSECURE'
  constructor(code: SmtpError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SmtpError'
    this.code = code
  }
}

interface Reply {
  code: number
  lines: string[]
}

/**
 * Line-oriented SMTP reply reader/writer over one socket (private to the SMTP sender).
 *
 * @example
 * ```ts
 * const s = await SmtpSession.open(socket, 15_000)
 * await s.expect(220)
 * const caps = await s.ehlo('client.example')
 * ```
 */
export class SmtpSession {
  #socket: Socket
  #buffer = ''
  #lines: string[] = []
  #waiter: (() => void) | undefined
  #error: Error | undefined
  readonly #timeoutMs: number

  private constructor(socket: Socket, timeoutMs: number) {
    this.#socket = socket
    this.#timeoutMs = timeoutMs
    this.#attach(socket)
  }

  /** Wraps a connecting socket. */
  static open(socket: Socket, timeoutMs: number): Promise<SmtpSession> {
    return Promise.resolve(new SmtpSession(socket, timeoutMs))
  }

  get encrypted(): boolean {
    return this.#socket instanceof TLSSocket
  }

  #attach(socket: Socket): void {
    socket.setEncoding('utf8')
    socket.setTimeout(this.#timeoutMs, () =>
      this.#fail(new SmtpError('SMTP_CONNECTION', 'SMTP server timed out')),
    )
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk
      let i: number
      while ((i = this.#buffer.indexOf('\n')) >= 0) {
        this.#lines.push(this.#buffer.slice(0, i).replace(/\r$/, ''))
        this.#buffer = this.#buffer.slice(i + 1)
      }
      this.#wake()
    })
    socket.on('error', (err) =>
      this.#fail(new SmtpError('SMTP_CONNECTION', err.message, { cause: err })),
    )
    socket.on('close', () => this.#fail(new SmtpError('SMTP_CONNECTION', 'SMTP connection closed')))
  }

  #fail(err: Error): void {
    this.#error ??= err
    this.#wake()
  }

  #wake(): void {
    const w = this.#waiter
    this.#waiter = undefined
    w?.()
  }

  async #read(): Promise<Reply> {
    const lines: string[] = []
    for (;;) {
      const line = this.#lines.shift()
      if (line === undefined) {
        if (this.#error) throw this.#error
        await new Promise<void>((resolve) => (this.#waiter = resolve))
        continue
      }
      lines.push(line.slice(4))
      // "250-..." continues a multi-line reply; "250 ..." ends it.
      if (line[3] !== '-') return { code: Number(line.slice(0, 3)), lines }
    }
  }

  /** Reads one reply and checks its code. */
  async expect(ok: number | number[], what = 'greeting'): Promise<Reply> {
    const reply = await this.#read()
    if (!(Array.isArray(ok) ? ok : [ok]).includes(reply.code)) {
      throw new SmtpError('SMTP_REJECTED', `SMTP ${what}: ${reply.code} ${reply.lines.join(' ')}`)
    }
    return reply
  }

  /** Sends a command; `label` names it in errors instead of the command text (AUTH, DATA). */
  async command(line: string, ok: number | number[], label?: string): Promise<Reply> {
    this.#socket.write(`${line}\r\n`)
    return this.expect(ok, label ?? line.split(' ')[0] ?? 'command')
  }

  /** EHLO; returns the advertised extensions (upper-case keywords). */
  async ehlo(name: string): Promise<Set<string>> {
    const reply = await this.command(`EHLO ${name}`, 250)
    return new Set(reply.lines.slice(1).map((l) => (l.split(' ')[0] ?? '').toUpperCase()))
  }

  /** Upgrades the connection after `STARTTLS` was accepted. */
  async upgrade(options: ConnectionOptions): Promise<void> {
    const plain = this.#socket
    plain.removeAllListeners('data')
    plain.removeAllListeners('close')
    plain.removeAllListeners('error')
    plain.setTimeout(0)
    const secure = tlsConnect({ ...options, socket: plain })
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve)
      secure.once('error', (err: Error) =>
        reject(new SmtpError('SMTP_CONNECTION', err.message, { cause: err })),
      )
    })
    this.#socket = secure
    this.#attach(secure)
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.destroy()
  }
}
