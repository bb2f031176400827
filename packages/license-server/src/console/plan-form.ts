import { Value } from 'typebox/value'
import { CreatePlanBody, UpdatePlanBody } from '../plans/plan.schemas.js'
import type { NewPlan } from '../plans/save-plan.js'
import type { PlanRow } from '../plans/plan.table.js'
import type { FormReader } from '../web/form-reader.js'

/** The plan form's fields as text (what the page shows back after an error). */
export type PlanFormValues = Record<(typeof PLAN_FIELDS)[number][0], string>

/** Field name → label, in form order: every field of the API's plan body. */
export const PLAN_FIELDS = [
  ['name', 'Name'],
  ['product', 'Product'],
  ['tier', 'Tier'],
  ['entitlements', 'Features (comma-separated)'],
  ['limits', 'Limits (name=number, comma-separated)'],
  ['policy', 'Policy (JSON)'],
  ['durationDays', 'Duration in days (empty: perpetual)'],
  ['stripePriceId', 'Stripe price id'],
  ['pastDueGraceDays', 'Past-due grace days'],
  ['cancelBehavior', 'On cancel'],
  ['reminderDays', 'Reminder days before expiry (comma-separated; empty: 30, 7)'],
  ['purchaseMode', 'Purchase mode'],
  ['downgradePlanId', 'Downgrade plan id'],
  ['public', 'Public'],
] as const

/**
 * The form values of an existing plan (or a new plan's defaults).
 *
 * @example
 * ```ts
 * const values = planFormValues(row)
 * ```
 */
export function planFormValues(p?: PlanRow): PlanFormValues {
  return {
    name: p?.name ?? '',
    product: p?.product ?? '',
    tier: p?.tier ?? '',
    entitlements: p?.entitlements.join(', ') ?? '',
    limits: p
      ? Object.entries(p.limits)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')
      : '',
    policy: JSON.stringify(
      p?.policy ?? {
        expiryGraceDays: 7,
        offlineGraceDays: 30,
        heartbeatIntervalS: 3600,
        maxDeployments: 1,
      },
      null,
      2,
    ),
    durationDays: p?.duration_days == null ? '' : String(p.duration_days),
    stripePriceId: p?.stripe_price_id ?? '',
    pastDueGraceDays: String(p?.past_due_grace_days ?? 7),
    cancelBehavior: p?.cancel_behavior ?? 'revoke',
    reminderDays: p?.reminder_days?.join(', ') ?? '',
    purchaseMode: p?.purchase_mode ?? 'subscription',
    downgradePlanId: p?.downgrade_plan_id ?? '',
    public: p?.public ? 'yes' : '',
  }
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
const int = (s: string) => (/^-?\d{1,9}$/.test(s) ? Number(s) : s)

/**
 * Reads the plan form into the API's plan body and checks it against the API's own schema
 * (`CreatePlanBody`, or `UpdatePlanBody` when editing), so the console accepts exactly what
 * the API accepts; problems are recorded per field on `f`.
 *
 * @example
 * ```ts
 * const { values, body } = readPlanForm(new FormReader(request.body), 'create')
 * ```
 */
export function readPlanForm(
  f: FormReader,
  mode: 'create' | 'edit',
): { values: PlanFormValues; body: NewPlan } {
  const values = {} as PlanFormValues
  for (const [name, label] of PLAN_FIELDS) {
    const raw =
      name === 'policy' ? f.raw(name) : (f.text(name, { label, max: 4000, optional: true }) ?? '')
    values[name] = raw.trim()
  }
  const limits: Record<string, number | string> = {}
  for (const pair of list(values.limits)) {
    const [k, v] = pair.split('=').map((x) => x.trim())
    if (!k || v === undefined) f.fail('limits', 'Limits are name=number pairs, e.g. users=50')
    else limits[k] = int(v)
  }
  let policy: unknown
  try {
    policy = JSON.parse(values.policy || 'null') as unknown
  } catch {
    f.fail('policy', 'Policy must be JSON, e.g. {"maxDeployments": 3, ...}')
  }
  const body: Record<string, unknown> = {
    name: values.name,
    product: values.product,
    tier: values.tier,
    entitlements: list(values.entitlements),
    limits,
    policy,
    durationDays: values.durationDays === '' ? null : int(values.durationDays),
    stripePriceId: values.stripePriceId === '' ? null : values.stripePriceId,
    pastDueGraceDays: int(values.pastDueGraceDays || '7'),
    cancelBehavior: values.cancelBehavior,
    reminderDays: values.reminderDays === '' ? null : list(values.reminderDays).map(int),
    purchaseMode: values.purchaseMode,
    downgradePlanId: values.downgradePlanId === '' ? null : values.downgradePlanId,
    public: values.public !== '',
  }
  const schema = mode === 'create' ? CreatePlanBody : UpdatePlanBody
  for (const e of Value.Errors(schema, body)) {
    const field = e.instancePath.split('/')[1] ?? ''
    const label = PLAN_FIELDS.find(([n]) => n === field)?.[1] ?? 'The plan'
    f.fail(field || 'plan', `${label}: ${e.message}`)
  }
  return { values, body: body as NewPlan }
}
