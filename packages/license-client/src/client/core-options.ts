import type { ClientStore } from './storage.js'
import type { LicenseState, Logger } from './types.js'

/** Wiring of a {@link ClientCore} (see create-license-client). */
export interface CoreOptions {
  store: ClientStore
  logger: Logger
  now: () => number
  deploymentId: string
  serverConfigured: boolean
  clockToleranceS: number
  freeFeatures: readonly string[]
  /** Keep the server's revocation list current for offline use (LicenseClientOptions). */
  offlineRevocations?: boolean
  onChange: (state: LicenseState, previous: LicenseState) => void
}
