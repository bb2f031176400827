import { Option, type Command } from 'commander'
import type { LicensePolicy } from '@tollgate/license-client'
import { collect, keyNumber, nonNegativeInt, positiveInt } from './parsers.js'

/** Plan fields as flags (shared by `plan create` and `plan update`). */
export interface PlanFlags {
  name?: string
  product?: string
  tier?: string
  entitlement?: string[]
  limit?: Record<string, number>
  durationDays?: number
  perpetual?: boolean
  expiryGraceDays?: number
  offlineGraceDays?: number
  heartbeatInterval?: number
  maxDeployments?: number
  pastDueGraceDays?: number
  cancelBehavior?: 'revoke' | 'expire_at_period_end'
  stripePrice?: string
  /** Trials (issue 18): a trial plan's length in days. */
  trialDays?: number
  // floating seats (issue 18)
  floatingSeats?: number
  leaseTtl?: number
  overage?: 'deny' | 'allow_1_25x' | 'allow_1_5x' | 'allow_2x'
}

/** The policy fields that are numbers (the ones with a CLI default). */
type NumericPolicy = Pick<
  LicensePolicy,
  'expiryGraceDays' | 'offlineGraceDays' | 'heartbeatIntervalS' | 'maxDeployments'
>

/** Policy of a new plan for the flags not given (the server requires a full policy). */
export const DEFAULT_POLICY: LicensePolicy = {
  expiryGraceDays: 14,
  offlineGraceDays: 30,
  heartbeatIntervalS: 3600,
  maxDeployments: 1,
}

/** Adds the plan flags; `create` makes name/product/tier required. */
export function planFlags(cmd: Command, create: boolean): void {
  const dflt = (k: keyof typeof DEFAULT_POLICY & keyof NumericPolicy): string =>
    create ? ` (default ${DEFAULT_POLICY[k]})` : ''
  const req = (flags: string, desc: string): Command =>
    create ? cmd.requiredOption(flags, desc) : cmd.option(flags, desc)
  req('--name <name>', 'plan name')
  req('--product <product>', 'product the licenses unlock')
  req('--tier <tier>', 'tier, e.g. pro')
  cmd
    .option('-e, --entitlement <names>', 'features (repeat or comma-separate)', collect)
    .option('--limit <name=n>', 'a limit, e.g. users=25 (repeatable)', keyNumber)
    .addOption(
      new Option('--duration-days <n>', 'license lifetime in days')
        .argParser(positiveInt)
        .conflicts('perpetual'),
    )
    .option('--perpetual', 'licenses never expire')
    .option(
      `--expiry-grace-days <n>`,
      `policy: days a license works after expiry${dflt('expiryGraceDays')}`,
      nonNegativeInt,
    )
    .option(
      '--offline-grace-days <n>',
      `policy: days a client may stay offline${dflt('offlineGraceDays')}`,
      nonNegativeInt,
    )
    .option(
      '--heartbeat-interval <seconds>',
      `policy: heartbeat interval${dflt('heartbeatIntervalS')}`,
      positiveInt,
    )
    .option(
      '--max-deployments <n>',
      `policy: concurrent deployments${dflt('maxDeployments')}`,
      nonNegativeInt,
    )
    .option(
      '--past-due-grace-days <n>',
      'billing: days before a past-due license is suspended',
      nonNegativeInt,
    )
    .addOption(
      new Option('--cancel-behavior <behavior>', 'billing: on cancellation').choices([
        'revoke',
        'expire_at_period_end',
      ]),
    )
    .option('--stripe-price <id>', 'Stripe price id (price_…)')
    .option('--trial-days <n>', 'a trial plan: licenses on it are trials of n days', positiveInt)
    // Floating seats (issue 18): --lease-ttl and --overage apply with --floating-seats.
    .option('--floating-seats <n>', 'policy: concurrent floating seats', positiveInt)
    .option('--lease-ttl <seconds>', 'floating: seat lease lifetime (default 300)', positiveInt)
    .addOption(
      new Option('--overage <mode>', 'floating: past the seats (default deny)').choices([
        'deny',
        'allow_1_25x',
        'allow_1_5x',
        'allow_2x',
      ]),
    )
}

/** The policy fields among the flags given. */
export function policyFlags(f: PlanFlags): Partial<LicensePolicy> {
  return {
    ...(f.expiryGraceDays !== undefined ? { expiryGraceDays: f.expiryGraceDays } : {}),
    ...(f.offlineGraceDays !== undefined ? { offlineGraceDays: f.offlineGraceDays } : {}),
    ...(f.heartbeatInterval !== undefined ? { heartbeatIntervalS: f.heartbeatInterval } : {}),
    ...(f.maxDeployments !== undefined ? { maxDeployments: f.maxDeployments } : {}),
    ...(f.floatingSeats !== undefined
      ? {
          floating: {
            seats: f.floatingSeats,
            leaseTtlS: f.leaseTtl ?? 300,
            overage: f.overage ?? 'deny',
          },
        }
      : {}),
  }
}

/** The JSON body of the given flags only (PATCH semantics; the policy is merged by callers). */
export function planBody(f: PlanFlags): Record<string, unknown> {
  return {
    ...(f.name !== undefined ? { name: f.name } : {}),
    ...(f.product !== undefined ? { product: f.product } : {}),
    ...(f.tier !== undefined ? { tier: f.tier } : {}),
    ...(f.entitlement !== undefined ? { entitlements: f.entitlement } : {}),
    ...(f.limit !== undefined ? { limits: f.limit } : {}),
    ...(f.durationDays !== undefined ? { durationDays: f.durationDays } : {}),
    ...(f.perpetual ? { durationDays: null } : {}),
    ...(f.pastDueGraceDays !== undefined ? { pastDueGraceDays: f.pastDueGraceDays } : {}),
    ...(f.cancelBehavior !== undefined ? { cancelBehavior: f.cancelBehavior } : {}),
    ...(f.stripePrice !== undefined ? { stripePriceId: f.stripePrice } : {}),
    ...(f.trialDays !== undefined ? { trialDays: f.trialDays } : {}),
  }
}
