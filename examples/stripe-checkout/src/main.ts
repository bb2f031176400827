// `start`: the whole Stripe walkthrough against a running server. The mail catcher listens on
// MAIL_PORT (2525); start the server with SMTP_HOST=127.0.0.1 SMTP_PORT=2525 OUTBOX_INTERVAL_S=1
// and the same STRIPE_WEBHOOK_SECRET. Env: TOLLGATE_URL, TOLLGATE_API_KEY, STRIPE_WEBHOOK_SECRET.
import { MailCatcher } from './mail-catcher.js'
import { runCheckoutWalkthrough } from './walkthrough.js'

const serverUrl = (process.env.TOLLGATE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '')
const adminKey = process.env.TOLLGATE_API_KEY
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET
if (!adminKey || !webhookSecret) {
  process.stderr.write(
    'Set TOLLGATE_API_KEY (admin key) and STRIPE_WEBHOOK_SECRET (as the server has it)\n',
  )
  process.exit(2)
}
const mail = await MailCatcher.start({ port: Number(process.env.MAIL_PORT ?? 2525) })
try {
  const result = await runCheckoutWalkthrough({
    serverUrl,
    adminKey,
    webhookSecret,
    mail,
    log: (line) => process.stdout.write(line + '\n'),
  })
  process.stdout.write(
    `\nlicense ${result.licenseId}: ${result.license.tier}, ${result.license.status}\n`,
  )
} catch (err) {
  process.stderr.write(`walkthrough failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
} finally {
  await mail.close()
}
