// `send-event`: one signed sample Stripe event to a license server, from the command line.
//   send-event checkout --purchase p.json --email it@acme.example --price price_free [--free] [--plan pln_…]
//   send-event upgrade  --purchase p.json --price price_pro
//   send-event invoice-paid --purchase p.json
//   send-event cancel   --purchase p.json
// Env: TOLLGATE_URL (default http://127.0.0.1:3000), STRIPE_WEBHOOK_SECRET (required).
// Prints the server's answer as JSON; exits 0 on a 2xx answer, 1 otherwise, 2 on bad usage.
import { parseArgs } from 'node:util'
import type Stripe from 'stripe'
import {
  checkoutCompleted,
  invoicePaid,
  newPurchase,
  subscriptionCreated,
  subscriptionDeleted,
  subscriptionUpdated,
  type Purchase,
} from './events.js'
import { readPurchase, writePurchase } from './purchase-file.js'
import { sendStripeEvent } from './send.js'

const USAGE =
  'usage: send-event <checkout|upgrade|invoice-paid|cancel> --purchase <file> [--email] [--price] [--free] [--plan]'

function fail(message: string): never {
  process.stderr.write(`send-event: ${message}\n${USAGE}\n`)
  process.exit(2)
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      purchase: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      price: { type: 'string' },
      plan: { type: 'string' },
      free: { type: 'boolean', default: false },
    },
  })
  const secret = process.env.STRIPE_WEBHOOK_SECRET
  if (!secret) fail('set STRIPE_WEBHOOK_SECRET to the signing secret the server uses')
  const serverUrl = process.env.TOLLGATE_URL ?? 'http://127.0.0.1:3000'
  const file = values.purchase ?? fail('--purchase <file> is required')
  let purchase: Purchase
  let events: Stripe.Event[]
  switch (positionals[0]) {
    case 'checkout':
      purchase = newPurchase({
        email: values.email ?? fail('checkout needs --email'),
        price: values.price ?? fail('checkout needs --price'),
        ...(values.name ? { name: values.name } : {}),
      })
      // Stripe sends both for a completed Checkout; the subscription's price names the plan.
      events = [
        subscriptionCreated(purchase),
        checkoutCompleted(purchase, {
          free: values.free,
          ...(values.plan ? { planId: values.plan } : {}),
        }),
      ]
      break
    case 'upgrade':
      purchase = await readPurchase(file)
      events = [subscriptionUpdated(purchase, values.price ?? fail('upgrade needs --price'))]
      break
    case 'invoice-paid':
      purchase = await readPurchase(file)
      events = [invoicePaid(purchase)]
      break
    case 'cancel':
      purchase = await readPurchase(file)
      events = [subscriptionDeleted(purchase)]
      break
    default:
      fail(`unknown event "${positionals[0] ?? ''}"`)
  }
  await writePurchase(file, purchase)
  for (const event of events) {
    const answer = await sendStripeEvent(serverUrl, secret, event)
    process.stdout.write(
      JSON.stringify({ type: event.type, httpStatus: answer.status, ...answer.body }) + '\n',
    )
    if (answer.status < 200 || answer.status >= 300) return 1
  }
  return 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`send-event: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  },
)
