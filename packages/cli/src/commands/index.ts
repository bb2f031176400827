import { analyzeCommand } from './analyze.js'
import { activationCreateCommand } from './activation/create.js'
import { activationDeactivateCommand } from './activation/deactivate.js'
import { apikeyCreateCommand } from './apikey/create.js'
import { apikeyListCommand } from './apikey/list.js'
import { apikeyRevokeCommand } from './apikey/revoke.js'
import { auditCommand } from './audit.js'
import { billingEventsCommand } from './billing/events.js'
import { billingRetryCommand } from './billing/retry.js'
import { customerCreateCommand } from './customer/create.js'
import { customerDeleteCommand } from './customer/delete.js'
import { customerListCommand } from './customer/list.js'
import { customerShowCommand } from './customer/show.js'
import { customerUpdateCommand } from './customer/update.js'
import { customerPortalLinkCommand } from './customer/portal-link.js'
import { deploymentDeactivateCommand } from './deployment/deactivate.js'
import { deploymentListCommand } from './deployment/list.js'
import { keysGenerateCommand } from './keys/generate.js'
import { keysListCommand } from './keys/list.js'
import { keysRemoveCommand } from './keys/remove.js'
import { keysRetireCommand } from './keys/retire.js'
import { keysRotateCommand } from './keys/rotate.js'
import { licenseIssueCommand } from './license/issue.js'
import { licenseListCommand } from './license/list.js'
import { licenseReinstateCommand } from './license/reinstate.js'
import { licenseReissueCommand } from './license/reissue.js'
import { licenseChangePlanCommand } from './license/change-plan.js'
import { licenseRenewCommand } from './license/renew.js'
import { licenseRevokeCommand } from './license/revoke.js'
import { licenseShowCommand } from './license/show.js'
import { licenseSuspendCommand } from './license/suspend.js'
import { licenseVerifyCommand } from './license/verify.js'
import { loginCommand } from './login.js'
import { logoutCommand } from './logout.js'
import { outboxListCommand } from './outbox/list.js'
import { planCreateCommand } from './plan/create.js'
import { planDeleteCommand } from './plan/delete.js'
import { planListCommand } from './plan/list.js'
import { planShowCommand } from './plan/show.js'
import { planUpdateCommand } from './plan/update.js'
import { profileListCommand } from './profile/list.js'
import { profileUseCommand } from './profile/use.js'
import { revocationsExportCommand } from './revocations/export.js'
import type { CommandSpec } from './types.js'
import { seatListCommand } from './seat/list.js'
import { seatReleaseCommand } from './seat/release.js'
import { staffInviteCommand } from './staff/invite.js'
import { staffListCommand } from './staff/list.js'
import { poolCreateCommand } from './pool/create.js'
import { relayInitCommand } from './relay/init.js'
import { usageShowCommand } from './usage/show.js'
import { violationListCommand } from './violation/list.js'
import { eventListCommand } from './event/list.js'
import { tenantExportCommand } from './export.js'
import { tenantImportCommand } from './import.js'
import { webhookCreateCommand } from './webhook/create.js'
import { webhookDeleteCommand } from './webhook/delete.js'
import { webhookDeliveriesCommand, webhookDeliveryCommand } from './webhook/deliveries.js'
import { webhookListCommand } from './webhook/list.js'
import { webhookResendCommand } from './webhook/resend.js'
import { webhookRotateSecretCommand } from './webhook/rotate-secret.js'
import { webhookShowCommand } from './webhook/show.js'
import { webhookTestCommand } from './webhook/test.js'
// t18: trials and named users (issue 18)
import { trialIssueCommand } from './trial/issue.js'
import { trialListCommand } from './trial/list.js'
import { userListCommand } from './user/list.js'
import { userReleaseCommand } from './user/release.js'
import {
  webhookDisableCommand,
  webhookEnableCommand,
  webhookUpdateCommand,
} from './webhook/update.js'

/**
 * Descriptions of the command groups (`tollgate <group> --help`).
 *
 * @example
 * ```ts
 * GROUPS.license // 'Issue, inspect, suspend, renew, revoke and verify licenses'
 * ```
 */
export const GROUPS: Record<string, string> = {
  profile: 'Saved server profiles',
  license: 'Issue, inspect, suspend, renew, revoke and verify licenses',
  customer: 'Manage customers',
  plan: 'Manage plans (what a license grants)',
  deployment: 'Deployments (installs) of a license',
  usage: 'Usage reported by clients',
  violation: 'Violations reported by clients',
  apikey: 'Admin API keys',
  keys: 'Signing keys (server) and local key generation',
  revocations: 'Signed revocation lists for offline sites',
  billing: 'Stripe webhook events',
  outbox: 'License-delivery messages to buyers',
  webhook: 'Vendor webhooks: endpoints, deliveries, resends',
  event: 'Lifecycle events (what webhooks deliver)',
  activation: 'Offline activation of air-gapped machines (machine files)',
  trial: 'Trial licenses (one per customer, email and machine)',
  user: 'Named users of a license (hashed ids)',
  seat: 'Floating seats held by clients',
  staff: 'Members of the staff console (/console)',
  pool: 'Seat pools for air-gapped relays (pool files)',
  relay: 'Air-gapped floating relay set-up (relay key and request)',
}

/**
 * The command table, in help order. A new command is one file under `src/commands/` and one
 * line here.
 *
 * @example
 * ```ts
 * await run(['analyze', 'x'], ctx, [...COMMANDS, analyzeCommand])
 * ```
 */
export const COMMANDS: readonly CommandSpec[] = [
  loginCommand,
  logoutCommand,
  profileListCommand,
  profileUseCommand,
  licenseIssueCommand,
  licenseListCommand,
  licenseShowCommand,
  licenseSuspendCommand,
  licenseReinstateCommand,
  licenseRenewCommand,
  licenseRevokeCommand,
  licenseReissueCommand,
  licenseChangePlanCommand,
  licenseVerifyCommand,
  customerCreateCommand,
  customerListCommand,
  customerShowCommand,
  customerUpdateCommand,
  customerPortalLinkCommand,
  customerDeleteCommand,
  planCreateCommand,
  planListCommand,
  planShowCommand,
  planUpdateCommand,
  planDeleteCommand,
  deploymentListCommand,
  deploymentDeactivateCommand,
  seatListCommand,
  seatReleaseCommand,
  poolCreateCommand,
  relayInitCommand,
  usageShowCommand,
  violationListCommand,
  apikeyCreateCommand,
  apikeyListCommand,
  apikeyRevokeCommand,
  keysListCommand,
  keysRotateCommand,
  keysRetireCommand,
  keysRemoveCommand,
  keysGenerateCommand,
  revocationsExportCommand,
  auditCommand,
  billingEventsCommand,
  billingRetryCommand,
  outboxListCommand,
  analyzeCommand,
  webhookCreateCommand,
  webhookListCommand,
  webhookShowCommand,
  webhookUpdateCommand,
  webhookEnableCommand,
  webhookDisableCommand,
  webhookDeleteCommand,
  webhookRotateSecretCommand,
  webhookTestCommand,
  webhookDeliveriesCommand,
  webhookDeliveryCommand,
  webhookResendCommand,
  eventListCommand,
  activationCreateCommand,
  activationDeactivateCommand,
  // t18: trials and named users (issue 18)
  trialIssueCommand,
  trialListCommand,
  userListCommand,
  userReleaseCommand,
  tenantExportCommand,
  tenantImportCommand,
  staffInviteCommand,
  staffListCommand,
]
