// `mail`: the buyer's mailbox for the demo. Listens for SMTP on MAIL_PORT (2525) and prints
// every license key that arrives; with MAIL_KEY_FILE set, also writes the newest key there
// (atomically), which is exactly "the customer installs the key from the email".
import { rename, writeFile } from 'node:fs/promises'
import { MailCatcher } from './mail-catcher.js'

const port = Number(process.env.MAIL_PORT ?? 2525)
const keyFile = process.env.MAIL_KEY_FILE
const mail = await MailCatcher.start({ port })
process.stdout.write(`mail catcher listening on 127.0.0.1:${mail.port} (SMTP, no TLS)\n`)
mail.onMail((m) => {
  process.stdout.write(`mail to ${m.to.join(', ')}: ${m.subject}\n`)
  if (m.licenseKey === undefined) return
  process.stdout.write(`  license key: ${m.licenseKey}\n`)
  if (keyFile === undefined) return
  const tmp = `${keyFile}.${process.pid}.tmp`
  writeFile(tmp, m.licenseKey + '\n')
    .then(() => rename(tmp, keyFile))
    .then(
      () => process.stdout.write(`  written to ${keyFile}\n`),
      (err: unknown) => process.stderr.write(`  could not write ${keyFile}: ${String(err)}\n`),
    )
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void mail.close().then(() => process.exit(0)))
}
