import type { Kysely, Transaction } from 'kysely'
import type { ApiKeyTables } from '../api-keys/api-key.table.js'
import type { AuditTables } from '../audit/audit.table.js'
import type { CustomerTables } from '../customers/customer.table.js'
import type { LicenseTables } from '../licenses/license.table.js'
import type { PlanTables } from '../plans/plan.table.js'
import type { SigningKeyTables } from '../signing-keys/signing-key.table.js'
import type { TenantTables } from '../tenants/tenant.table.js'
import type { BillingTables } from '../billing/billing.table.js'
import type { OutboxTables } from '../outbox/outbox.table.js'
import type { DeploymentTables } from '../deployments/deployment.table.js'
import type { UsageTables } from '../usage/usage.table.js'
import type { ViolationTables } from '../violations/violation.table.js'
import type { PortalTables } from '../portal/portal.table.js'
import type { EventTables } from '../events/event.table.js'
import type { WebhookTables } from '../webhooks/webhook.table.js'
import type { IdempotencyTables } from '../idempotency/idempotency.table.js'
import type { RevocationTables } from '../revocations/revocation.table.js'
import type { AnalyzeStateTables } from '../analyze/analyze-state.table.js'
import type { WebTables } from '../web/web-session.table.js'
import type { StaffTables } from '../console/staff.table.js'
import type { OfflineActivationTables } from '../offline-activation/offline-activation.table.js'
// t18: trials and named users (issue 18)
import type { TrialTables } from '../trials/trial.table.js'
import type { NamedUserTables } from '../named-users/named-user.table.js'
import type { SeatTables } from '../seats/seat-lease.table.js'
import type { RequestCountTables } from '../request-counts/request-count.table.js'
import type { SeatPoolTables } from '../seat-pools/seat-pool.table.js'

/** The core tables (issue 3). */
export interface CoreTables
  extends
    TenantTables,
    CustomerTables,
    PlanTables,
    LicenseTables,
    ApiKeyTables,
    SigningKeyTables,
    AuditTables {}

/**
 * The whole schema, composed from per-feature table interfaces. A feature adds its tables by
 * declaring `interface FleetTables { deployments: DeploymentTable }` in its `*.table.ts` and
 * extending it here.
 *
 * @example
 * ```ts
 * const db: Kysely<Database> = createDatabase(config)
 * ```
 */
export interface Database
  extends
    CoreTables,
    BillingTables,
    OutboxTables,
    DeploymentTables,
    UsageTables,
    ViolationTables,
    PortalTables,
    EventTables,
    WebhookTables,
    IdempotencyTables,
    RevocationTables,
    AnalyzeStateTables,
    WebTables,
    StaffTables,
    OfflineActivationTables,
    // t18: trials and named users (issue 18)
    TrialTables,
    NamedUserTables,
    SeatTables,
    RequestCountTables,
    SeatPoolTables {}

/** A Kysely handle or an open transaction: what every repository function takes. */
export type Db = Kysely<Database> | Transaction<Database>
