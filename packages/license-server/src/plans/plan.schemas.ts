import { Type } from 'typebox'
import {
  DateTime,
  EntitlementsSchema,
  LimitsSchema,
  Name,
  NullableInteger,
  NullableString,
  PageQuery,
  PolicySchema,
  Slug,
  StringEnum,
} from '../lib/schemas.js'

const CancelBehavior = Type.Union([
  Type.Literal('revoke'),
  Type.Literal('expire_at_period_end'),
  Type.Literal('downgrade'),
])
const DowngradePlan = Type.Union([
  Type.String({ maxLength: 64, pattern: '^pln_[0-9a-z]+$' }),
  Type.Null(),
])
const StripePrice = Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])
const Duration = Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()])
const PurchaseModeSchema = Type.Union([Type.Literal('subscription'), Type.Literal('payment')])
/** Days before a license ends at which its customer is reminded (null: 30 and 7). */
const ReminderDays = Type.Union([
  Type.Array(Type.Integer({ minimum: 1, maximum: 365 }), { maxItems: 10, uniqueItems: true }),
  Type.Null(),
])

/** Trials (t18): a trial plan's length in days (licenses on it expire then); null: not a trial. */
const TrialDays = Type.Union([Type.Integer({ minimum: 1, maximum: 365 }), Type.Null()])

/** A plan as returned by the API. */
export const PlanSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    product: Type.String(),
    tier: Type.String(),
    entitlements: Type.Array(Type.String()),
    limits: Type.Record(Type.String(), Type.Number()),
    policy: PolicySchema,
    durationDays: NullableInteger,
    stripePriceId: NullableString(),
    pastDueGraceDays: Type.Integer(),
    cancelBehavior: StringEnum(['revoke', 'expire_at_period_end', 'downgrade'] as const),
    downgradePlanId: NullableString(),
    reminderDays: Type.Array(Type.Integer()),
    public: Type.Boolean(),
    purchaseMode: StringEnum(['subscription', 'payment'] as const),
    trialDays: NullableInteger,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Plan' },
)

/** Body of POST /v1/admin/plans. */
export const CreatePlanBody = Type.Object(
  {
    name: Name,
    product: Slug,
    tier: Slug,
    entitlements: EntitlementsSchema,
    limits: Type.Optional(LimitsSchema),
    policy: PolicySchema,
    durationDays: Type.Optional(Duration),
    stripePriceId: Type.Optional(StripePrice),
    pastDueGraceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    cancelBehavior: Type.Optional(CancelBehavior),
    reminderDays: Type.Optional(ReminderDays),
    public: Type.Optional(Type.Boolean()),
    purchaseMode: Type.Optional(PurchaseModeSchema),
    downgradePlanId: Type.Optional(DowngradePlan),
    trialDays: Type.Optional(TrialDays),
  },
  { additionalProperties: false },
)

/** Body of PATCH /v1/admin/plans/:id (licenses already issued keep their terms). */
export const UpdatePlanBody = Type.Object(
  {
    name: Type.Optional(Name),
    product: Type.Optional(Slug),
    tier: Type.Optional(Slug),
    entitlements: Type.Optional(EntitlementsSchema),
    limits: Type.Optional(LimitsSchema),
    policy: Type.Optional(PolicySchema),
    durationDays: Type.Optional(Duration),
    stripePriceId: Type.Optional(StripePrice),
    pastDueGraceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    cancelBehavior: Type.Optional(CancelBehavior),
    reminderDays: Type.Optional(ReminderDays),
    public: Type.Optional(Type.Boolean()),
    purchaseMode: Type.Optional(PurchaseModeSchema),
    downgradePlanId: Type.Optional(DowngradePlan),
    trialDays: Type.Optional(TrialDays),
  },
  { additionalProperties: false, minProperties: 1 },
)

/** Query of GET /v1/admin/plans. */
export const ListPlansQuery = Type.Object(
  { ...PageQuery, product: Type.Optional(Slug) },
  { additionalProperties: false },
)
