import {
  checkoutCompleted,
  invoicePaid,
  newPurchase,
  subscriptionCreated,
  subscriptionDeleted,
  subscriptionUpdated,
  type Purchase,
} from './events.js'
import type { CaughtMail, MailCatcher } from './mail-catcher.js'
import { sendStripeEvent } from './send.js'

/** Prices of the two sample plans (a Tollgate plan's `stripePriceId` maps a price to it). */
export const FREE_PRICE = 'price_example_free'
export const PRO_PRICE = 'price_example_pro'

/** A failed step of the walkthrough; `code` is stable. */
export class WalkthroughError extends Error {
  readonly code = 'WALKTHROUGH_FAILED'
  constructor(message: string) {
    super(message)
    this.name = 'WalkthroughError'
  }
}

/** Options of {@link runCheckoutWalkthrough}. */
export interface WalkthroughOptions {
  serverUrl: string
  adminKey: string
  webhookSecret: string
  /** The buyer's mailbox: the server's SMTP_HOST/SMTP_PORT must point at it. */
  mail: MailCatcher
  email?: string
  log?: (line: string) => void
  mailTimeoutMs?: number
}

/** What the walkthrough saw, step by step. */
export interface WalkthroughResult {
  purchase: Purchase
  licenseId: string
  freeKey: string
  proKey: string
  license: { tier: string; status: string; entitlements: string[]; expiresAt: string | null }
}

interface LicenseView {
  id: string
  tier: string
  status: string
  entitlements: string[]
  expiresAt: string | null
}

/**
 * The Stripe story, told with signed sample events against a running server: a $0 checkout
 * issues a free license (key by email), an upgrade in the portal (`subscription.updated` to the
 * Pro price) moves it to Pro and mails a re-issued key, a paid invoice sets the expiry to the
 * paid period, and a cancellation revokes it. Creates the two plans when they are missing.
 *
 * @example
 * ```ts
 * const mail = await MailCatcher.start({ port: 2525 })
 * await runCheckoutWalkthrough({ serverUrl, adminKey, webhookSecret, mail, log: console.log })
 * ```
 */
export async function runCheckoutWalkthrough(o: WalkthroughOptions): Promise<WalkthroughResult> {
  const log = o.log ?? (() => undefined)
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${o.serverUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${o.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const json = (await res.json()) as T
    if (!res.ok)
      throw new WalkthroughError(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const send = async (event: Parameters<typeof sendStripeEvent>[2]): Promise<void> => {
    const answer = await sendStripeEvent(o.serverUrl, o.webhookSecret, event)
    log(`-> ${event.type}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`)
    if (answer.status !== 200)
      throw new WalkthroughError(`${event.type} was refused: HTTP ${answer.status}`)
  }
  const keyMail = async (seen: number, what: string): Promise<CaughtMail> => {
    const m = await o.mail.waitFor(
      (x) => o.mail.messages.indexOf(x) >= seen && x.licenseKey !== undefined,
      o.mailTimeoutMs ?? 20_000,
    )
    if (!m)
      throw new WalkthroughError(
        `No email with the ${what} key arrived (is OUTBOX_INTERVAL_S small and SMTP_* set?)`,
      )
    log(`<- mail "${m.subject}": ${m.licenseKey!.slice(0, 24)}…`)
    return m
  }

  await ensurePlans(admin)
  const email = o.email ?? `buyer+${Date.now()}@acme.example`
  const purchase = newPurchase({ email, price: FREE_PRICE })

  let seen = o.mail.messages.length
  // What Stripe sends for a completed Checkout: the subscription (its price names the plan)
  // and the session.
  await send(subscriptionCreated(purchase))
  await send(checkoutCompleted(purchase, { free: true }))
  const freeMail = await keyMail(seen, 'free')
  const licenseId = /License: (lic_[0-9a-z]+)/.exec(freeMail.body)?.[1]
  if (!licenseId) throw new WalkthroughError('The delivery email names no license id')

  seen = o.mail.messages.length
  await send(subscriptionUpdated(purchase, PRO_PRICE))
  const proMail = await keyMail(seen, 'upgraded')
  log(
    `   license ${licenseId} is now ${(await admin<LicenseView>('GET', `/v1/admin/licenses/${licenseId}`)).tier}`,
  )

  await send(invoicePaid(purchase))
  log(
    `   expires ${(await admin<LicenseView>('GET', `/v1/admin/licenses/${licenseId}`)).expiresAt}`,
  )

  await send(subscriptionDeleted(purchase))
  const license = await admin<LicenseView>('GET', `/v1/admin/licenses/${licenseId}`)
  log(`   after cancellation: ${license.status}`)
  return {
    purchase,
    licenseId,
    freeKey: freeMail.licenseKey!,
    proKey: proMail.licenseKey!,
    license: {
      tier: license.tier,
      status: license.status,
      entitlements: license.entitlements,
      expiresAt: license.expiresAt,
    },
  }
}

type Admin = <T>(method: string, path: string, body?: unknown) => Promise<T>

async function ensurePlans(admin: Admin): Promise<void> {
  const { items } = await admin<{ items: { stripePriceId: string | null }[] }>(
    'GET',
    '/v1/admin/plans?product=example-app&limit=200',
  )
  const have = new Set(items.map((p) => p.stripePriceId))
  const policy = {
    expiryGraceDays: 3,
    offlineGraceDays: 30,
    heartbeatIntervalS: 3600,
    maxDeployments: 1,
  }
  const plans = [
    {
      name: 'Free',
      tier: 'free',
      stripePriceId: FREE_PRICE,
      entitlements: [],
      limits: { users: 3 },
    },
    {
      name: 'Pro',
      tier: 'pro',
      stripePriceId: PRO_PRICE,
      entitlements: ['reports'],
      limits: { users: 50 },
    },
  ]
  for (const plan of plans) {
    if (have.has(plan.stripePriceId)) continue
    await admin('POST', '/v1/admin/plans', {
      ...plan,
      product: 'example-app',
      policy,
      cancelBehavior: 'revoke',
    })
  }
}
