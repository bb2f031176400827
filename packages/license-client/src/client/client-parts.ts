import type { ClientCore } from './core.js'
import type { OfflineActivation } from '../offline/offline-activation.js'
import type { Scheduler } from './scheduler.js'
import type { ServerSync } from './server-sync.js'
import type { ClientStore } from './storage.js'
import type { Transport } from './transport.js'
import type { Logger } from './types.js'
import type { SeatApi } from './seats/seat-api.js'
import type { UsageLedger } from './usage-ledger.js'

/** The answer of {@link LicenseClient.checkLimit}. */
export interface LimitCheck {
  /** True when `current` is within the limit (or the metric is unlimited). */
  allowed: boolean
  metric: string
  /** The limit in force; `undefined` means unlimited. */
  limit: number | undefined
  current: number
  /** How much more is allowed; `undefined` when unlimited. */
  remaining: number | undefined
}

/** @internal wiring handed over by {@link createLicenseClient}. */
export interface ClientParts {
  core: ClientCore
  store: ClientStore
  usage: UsageLedger
  logger: Logger
  strictUsage: boolean
  /** Stops the client's own timers (owner lock, follower reloads). */
  stop: () => Promise<void>
  freeLimits: Readonly<Record<string, number>>
  transport: Transport | undefined
  sync: ServerSync | undefined
  scheduler: Scheduler | undefined
  tick: () => Promise<void>
  checkIntervalMs: number
  refreshDeadlineMs: number
  /** Offline activation (machine files) of this install. */
  offline: OfflineActivation
  appVersion: string | undefined
  /** The license key in use (named users send it; issue 18). */
  token: () => string | undefined
  /** Floating seat calls (issue 18); undefined without a server. */
  seats?: SeatApi | undefined
}
