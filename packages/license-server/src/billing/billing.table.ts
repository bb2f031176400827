import type { ColumnType, Generated, Selectable } from 'kysely'

/**
 * Where a stored Stripe event is: `received` (stored, not yet handled), `processed` (its
 * effect is committed), `failed` (the handler threw; retryable), `ignored` (a type we do not
 * handle, or nothing to do).
 */
export type BillingEventStatus = 'received' | 'processed' | 'failed' | 'ignored'

/**
 * Every Stripe event received. The unique key on `stripe_event_id` is what makes a redelivery
 * (or a concurrent duplicate) a no-op: the database, not process memory, decides.
 */
export interface BillingEventTable {
  /** Our id (`bev_...`), time-ordered for cursor pagination. */
  id: string
  tenant_id: string
  /** Stripe's `evt_...`. Unique. */
  stripe_event_id: string
  type: string
  /** `data.object.id` (subscription, invoice, session...), for the admin listing. */
  object_id: string | null
  livemode: boolean
  /** The event's `created` (Stripe's clock). */
  stripe_created_at: Date
  /** The verified event, as received. */
  payload: ColumnType<unknown, string, string>
  status: BillingEventStatus
  /** What the handler did (`license lic_...`, why it was ignored); never secret. */
  note: string | null
  /** The last failure's message. */
  error: string | null
  attempts: ColumnType<number, number | undefined, number>
  received_at: ColumnType<Date, Date, never>
  processed_at: Date | null
  updated_at: Date
}

/**
 * One Stripe subscription and the license it drives. The license is a pure function of this
 * row, and the row only moves forward: a snapshot older than `state_at` is ignored, so
 * out-of-order deliveries converge on the state of the newest event.
 */
export interface BillingSubscriptionTable {
  /** Stripe's `sub_...`. */
  stripe_subscription_id: string
  tenant_id: string
  stripe_customer_id: string | null
  /** Our customer, once checkout completed. */
  customer_id: string | null
  /** The license this subscription drives, once checkout completed. Unique. */
  license_id: string | null
  /** Latest price from a subscription snapshot. */
  stripe_price_id: string | null
  /** Stripe subscription status (`active`, `past_due`, `canceled`, ...). */
  status: string
  /** Stripe time (event `created`) of the newest event that set `status`. */
  state_at: Date
  /** Stripe time of the newest subscription snapshot applied (price, period, cancel flags). */
  snapshot_at: Date
  /** `items.data[].current_period_end` of the latest snapshot. */
  current_period_end: Date | null
  /** Latest paid period end (from paid invoices): the license's expiry. Only grows. */
  paid_through: Date | null
  /** The license's expiry is a guess made at checkout, to be replaced by the first paid period. */
  expiry_provisional: ColumnType<boolean, boolean | undefined, boolean>
  /** Stripe time of the newest good-standing event seen, in any arrival order. */
  good_at: Date
  /** Stripe times (ISO) of arrears events newer than `good_at`: grace starts at the first. */
  arrears_at: ColumnType<string[], string, string>
  /** When the subscription went past due (Stripe time); null when in good standing. */
  past_due_since: Date | null
  cancel_at_period_end: ColumnType<boolean, boolean | undefined, boolean>
  canceled_at: Date | null
  /** Applied counter, bumped on every accepted change (debugging and tests). */
  version: Generated<number>
  created_at: ColumnType<Date, Date, never>
  updated_at: Date
}

/** Tables of the billing feature (issue 7). */
export interface BillingTables {
  billing_events: BillingEventTable
  billing_subscriptions: BillingSubscriptionTable
}

export type BillingEventRow = Selectable<BillingEventTable>
export type BillingSubscriptionRow = Selectable<BillingSubscriptionTable>
