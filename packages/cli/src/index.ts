/**
 * `tollgate`: the vendor-staff command line for Tollgate license servers. The bin is a thin
 * launcher over {@link run}; every command is also a plain async function taking an injectable
 * {@link CliContext}, so scripts and tests can call them directly.
 *
 * @example
 * ```ts
 * import { createContext, licenseVerify } from '@tollgate/cli'
 * const { data, exitCode } = await licenseVerify({ license: 'license.key', jwks: 'jwks.json' }, createContext())
 * ```
 * @packageDocumentation
 */
export { run } from './run.js'
export { buildProgram, type Outcome } from './program.js'
export { createContext, defaultConfigPath, type CliContext, type Writer } from './context.js'
export { CliError, EXIT, type CliErrorCode, type CliErrorOptions, type ExitCode } from './errors.js'
export { COMMANDS, GROUPS } from './commands/index.js'
export {
  defineCommand,
  type CommandResult,
  type CommandSpec,
  type GlobalOptions,
} from './commands/types.js'
export { VERSION } from './version.js'

export { login, type LoginInput } from './commands/login.js'
export { logout } from './commands/logout.js'
export { profileList } from './commands/profile/list.js'
export { profileUse, type ProfileUseInput } from './commands/profile/use.js'
export { licenseIssue, type LicenseIssueInput } from './commands/license/issue.js'
export { licenseList, type LicenseListInput } from './commands/license/list.js'
export { licenseShow, type LicenseShowInput } from './commands/license/show.js'
export { licenseSuspend, type LicenseSuspendInput } from './commands/license/suspend.js'
export { licenseReinstate, type LicenseReinstateInput } from './commands/license/reinstate.js'
export { licenseRenew, type LicenseRenewInput } from './commands/license/renew.js'
export { licenseRevoke, type LicenseRevokeInput } from './commands/license/revoke.js'
export { licenseReissue, type LicenseReissueInput } from './commands/license/reissue.js'
export { licenseChangePlan, type LicenseChangePlanInput } from './commands/license/change-plan.js'
export {
  licenseVerify,
  type LicenseVerifyInput,
  type VerdictCode,
} from './commands/license/verify.js'
export { customerCreate, type CustomerCreateInput } from './commands/customer/create.js'
export { customerList, type CustomerListInput } from './commands/customer/list.js'
export { customerShow, type CustomerShowInput } from './commands/customer/show.js'
export { customerUpdate, type CustomerUpdateInput } from './commands/customer/update.js'
export { customerDelete, type CustomerDeleteInput } from './commands/customer/delete.js'
export {
  customerPortalLink,
  type CustomerPortalLinkInput,
} from './commands/customer/portal-link.js'
export { planCreate, type PlanCreateInput } from './commands/plan/create.js'
export { seatList, type SeatListInput } from './commands/seat/list.js'
export { seatRelease, type SeatReleaseInput } from './commands/seat/release.js'
export { poolCreate, type PoolCreateInput } from './commands/pool/create.js'
export { relayInit, type RelayInitInput } from './commands/relay/init.js'
export { planList, type PlanListInput } from './commands/plan/list.js'
export { planShow, type PlanShowInput } from './commands/plan/show.js'
export { planUpdate, type PlanUpdateInput } from './commands/plan/update.js'
export { planDelete, type PlanDeleteInput } from './commands/plan/delete.js'
export { deploymentList, type DeploymentListInput } from './commands/deployment/list.js'
export {
  deploymentDeactivate,
  type DeploymentDeactivateInput,
} from './commands/deployment/deactivate.js'
export { usageShow, type UsageShowInput } from './commands/usage/show.js'
export { violationList, type ViolationListInput } from './commands/violation/list.js'
export { outboxList, type OutboxListInput } from './commands/outbox/list.js'
export { billingEvents, type BillingEventsInput } from './commands/billing/events.js'
export { billingRetry, type BillingRetryInput } from './commands/billing/retry.js'
export { apikeyCreate, type ApikeyCreateInput } from './commands/apikey/create.js'
export { apikeyList, type ApikeyListInput } from './commands/apikey/list.js'
export { apikeyRevoke, type ApikeyRevokeInput } from './commands/apikey/revoke.js'
export { keysList } from './commands/keys/list.js'
export { staffInvite, type StaffInviteInput } from './commands/staff/invite.js'
export { staffList } from './commands/staff/list.js'
export { keysRotate } from './commands/keys/rotate.js'
export { keysRetire, type KeyIdInput } from './commands/keys/retire.js'
export { keysRemove } from './commands/keys/remove.js'
export { keysGenerate, type KeysGenerateInput } from './commands/keys/generate.js'
export { revocationsExport, type RevocationsExportInput } from './commands/revocations/export.js'
export { audit, type AuditInput } from './commands/audit.js'
export { analyze, type AnalyzeInput } from './commands/analyze.js'
export { webhookCreate, type WebhookCreateInput } from './commands/webhook/create.js'
export { tenantExport, type TenantExportInput } from './commands/export.js'
export { tenantImport, type TenantImportInput } from './commands/import.js'
export { webhookList, type WebhookListInput } from './commands/webhook/list.js'
export { webhookShow, type WebhookShowInput } from './commands/webhook/show.js'
export { webhookUpdate, type WebhookUpdateInput } from './commands/webhook/update.js'
export { webhookDelete, type WebhookDeleteInput } from './commands/webhook/delete.js'
export {
  webhookRotateSecret,
  type WebhookRotateSecretInput,
} from './commands/webhook/rotate-secret.js'
export { webhookTest, type WebhookTestInput } from './commands/webhook/test.js'
export {
  webhookDeliveries,
  webhookDelivery,
  type WebhookDeliveriesInput,
  type WebhookDeliveryInput,
} from './commands/webhook/deliveries.js'
export { webhookResend, type WebhookResendInput } from './commands/webhook/resend.js'
export { eventList, type EventListInput } from './commands/event/list.js'
export { activationCreate, type ActivationCreateInput } from './commands/activation/create.js'
export {
  activationDeactivate,
  type ActivationDeactivateInput,
} from './commands/activation/deactivate.js'
