import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { emitEvent } from '../events/emit-event.js'
import { enqueueMessage } from '../outbox/outbox.repository.js'
import { DEFAULT_REMINDER_DAYS } from '../plans/plan.view.js'
import { renderReminder, type ReminderKind } from './reminder-message.js'

const DAY_MS = 86_400_000
/** Reminders are never scheduled further ahead than this. */
const MAX_DAYS = 365

interface Candidate {
  id: string
  tenant_id: string
  product: string
  tier: string
  expires_at: Date
  reminder_days: number[] | null
  customer_name: string
  customer_email: string | null
  renews: boolean
  /** An unconverted trial (issue 18: the `trials` table, not license metadata). */
  trial: boolean
}

/**
 * The reminder window a license is in: the smallest configured day count not below the days
 * left, so a server that was down sends only the nearest reminder, not every one it missed.
 */
export function reminderWindow(days: readonly number[], endsAt: Date, now: Date): number | null {
  const left = (endsAt.getTime() - now.getTime()) / DAY_MS
  if (left <= 0) return null
  const fitting = days.filter((d) => d >= left)
  return fitting.length === 0 ? null : Math.min(...fitting)
}

function kindOf(c: Candidate): ReminderKind {
  if (c.trial) return 'trial_end'
  return c.renews ? 'renewal' : 'expiry'
}

/**
 * The reminder job: for each active license ending within its plan's reminder days (default 30
 * and 7), emits `license.expiring_soon` and queues an email to the customer, both keyed
 * `reminder:<license>:<kind>:<days>:<end>`: unique, so each reminder exists once however many
 * instances run the job and however often it restarts; a renewal (new end) starts a new period.
 * Subscriptions that will renew get a `renewal` reminder, unconverted trials (the `trials`
 * table) a `trial_end` one. Returns how many reminders it created.
 *
 * @example
 * ```ts
 * const sent = await sendReminders(app.tollgate.db, { now: app.tollgate.now })
 * ```
 */
export async function sendReminders(
  db: Kysely<Database>,
  deps: { now: () => Date },
): Promise<number> {
  const now = deps.now()
  const horizon = new Date(now.getTime() + MAX_DAYS * DAY_MS)
  const { rows } = await sql<Candidate>`
    select l.id, l.tenant_id, l.product, l.tier, l.expires_at, p.reminder_days,
           c.name as customer_name, c.email as customer_email,
           exists (select 1 from billing_subscriptions s where s.license_id = l.id
                   and s.status in ('active', 'trialing') and not s.cancel_at_period_end) as renews,
           exists (select 1 from trials t where t.license_id = l.id
                   and t.converted_at is null) as trial
    from licenses l
    join plans p on p.id = l.plan_id
    join customers c on c.id = l.customer_id
    where l.status = 'active' and l.expires_at > ${now.toISOString()}::timestamptz
      and l.expires_at <= ${horizon.toISOString()}::timestamptz
  `.execute(db)
  const due = rows.flatMap((c) => {
    const days = reminderWindow(c.reminder_days ?? DEFAULT_REMINDER_DAYS, c.expires_at, now)
    if (days === null) return []
    const kind = kindOf(c)
    const key = `reminder:${c.id}:${kind}:${days}:${c.expires_at.toISOString()}`
    return [{ c, days, kind, key }]
  })
  if (due.length === 0) return 0
  const seen = new Set(
    (
      await db
        .selectFrom('events')
        .select('dedupe_key')
        .where(
          'dedupe_key',
          'in',
          due.map((d) => d.key),
        )
        .execute()
    ).map((r) => r.dedupe_key),
  )
  let created = 0
  for (const { c, days, kind, key } of due) {
    if (seen.has(key)) continue
    const fresh = await db.transaction().execute(async (trx) => {
      const eventId = await emitEvent(trx, {
        tenantId: c.tenant_id,
        type: 'license.expiring_soon',
        licenseId: c.id,
        subjectType: 'license',
        subjectId: c.id,
        data: {
          object: { id: c.id, expiresAt: c.expires_at.toISOString() },
          kind,
          daysBefore: days,
        },
        at: now,
        dedupeKey: key,
      })
      if (eventId === null || !c.customer_email) return eventId !== null
      const daysLeft = Math.ceil((c.expires_at.getTime() - now.getTime()) / DAY_MS)
      const { subject, body } = renderReminder({
        kind,
        customerName: c.customer_name,
        product: c.product,
        tier: c.tier,
        licenseId: c.id,
        endsAt: c.expires_at,
        daysLeft,
      })
      await enqueueMessage(trx, {
        tenantId: c.tenant_id,
        kind: `reminder.${kind}`,
        dedupeKey: key,
        recipient: c.customer_email,
        subject,
        body,
        licenseId: c.id,
        now,
      })
      return true
    })
    if (fresh) created += 1
  }
  return created
}
