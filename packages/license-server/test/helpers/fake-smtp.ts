import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { createSecureContext, TLSSocket } from 'node:tls'

/** Mail a fake SMTP server accepted. */
export interface Accepted {
  from: string
  to: string[]
  data: string
  auth?: string
  tls: boolean
}

/**
 * A small real SMTP server on 127.0.0.1 (EHLO, optional STARTTLS, AUTH PLAIN, MAIL, RCPT,
 * DATA, QUIT). `tempFailures` makes the next N MAIL commands fail with 451.
 */
export function fakeSmtp(tls?: { key: string; cert: string }) {
  const accepted: Accepted[] = []
  const state = { tempFailures: 0 }
  const server: Server = createServer((raw: Socket) => {
    let sock: Socket = raw
    let secure = false
    let buf = ''
    let inData = false
    let mail: Partial<Accepted> & { to: string[] } = { to: [] }
    let auth: string | undefined
    const say = (s: string) => sock.write(`${s}\r\n`)
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('utf8')
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n')
          if (end < 0) return
          accepted.push({
            from: mail.from!,
            to: mail.to,
            data: buf.slice(0, end),
            ...(auth ? { auth } : {}),
            tls: secure,
          })
          buf = buf.slice(end + 5)
          inData = false
          mail = { to: [] }
          say('250 2.0.0 queued')
          continue
        }
        const i = buf.indexOf('\r\n')
        if (i < 0) return
        const line = buf.slice(0, i)
        buf = buf.slice(i + 2)
        const verb = line.split(' ')[0]!.toUpperCase()
        if (verb === 'EHLO') {
          const caps = ['250-fake.smtp', '250-8BITMIME']
          if (tls && !secure) caps.push('250-STARTTLS')
          caps.push('250 AUTH PLAIN')
          sock.write(caps.join('\r\n') + '\r\n')
        } else if (verb === 'STARTTLS' && tls) {
          say('220 2.0.0 ready')
          sock.removeListener('data', onData)
          const upgraded = new TLSSocket(sock, {
            isServer: true,
            secureContext: createSecureContext(tls),
          })
          sock = upgraded
          secure = true
          upgraded.on('data', onData)
          upgraded.on('error', () => undefined)
        } else if (verb === 'AUTH') {
          auth = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8')
          say('235 2.7.0 ok')
        } else if (verb === 'MAIL') {
          if (state.tempFailures > 0) {
            state.tempFailures -= 1
            say('451 4.3.0 try again later')
          } else {
            mail.from = /<(.*)>/.exec(line)![1]!
            say('250 ok')
          }
        } else if (verb === 'RCPT') {
          mail.to.push(/<(.*)>/.exec(line)![1]!)
          say('250 ok')
        } else if (verb === 'DATA') {
          inData = true
          say('354 go ahead')
        } else if (verb === 'QUIT') {
          say('221 bye')
          sock.end()
        } else say('500 what')
      }
    }
    raw.on('data', onData)
    raw.on('error', () => undefined)
    say('220 fake.smtp ESMTP')
  })
  return new Promise<{ server: Server; port: number; accepted: Accepted[]; state: typeof state }>(
    (resolve) =>
      server.listen(0, '127.0.0.1', () =>
        resolve({ server, port: (server.address() as AddressInfo).port, accepted, state }),
      ),
  )
}
