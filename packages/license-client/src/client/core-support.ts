import { LicenseError } from '../errors.js'
import type { ClientStore, DirScan } from './storage.js'
import type { LicenseState } from './types.js'

// What ClientCore keeps on disk and the small rules around it (kept apart from its state logic).

/** The persisted clock: the trusted-time mark and how far the wall clock was off at the lease. */
export interface ClockFile {
  highWater: number
  /** `serverTime` of the lease the skew belongs to. */
  leaseServerTime?: number
  /** Wall clock minus server time when that lease was received, seconds. */
  leaseSkewS?: number
}

export const isClock = (d: unknown): d is ClockFile =>
  typeof (d as { highWater?: unknown }).highWater === 'number'

/** A wall-clock skew beyond this at lease receipt is not believed (clamped). */
export const MAX_SKEW_S = 86_400

/** Monotonic milliseconds: never jumps with the wall clock, stops on nothing we control. */
export const monotonicMs = (): number => Number(process.hrtime.bigint() / 1_000_000n)

/** The raw texts {@link ClientCore.load} judges. */
export interface CoreFiles {
  clock: string | undefined
  lease: string | undefined
  revocations: string | undefined
  revocationsDelta: string | undefined
}

/**
 * Reads the files of {@link ClientCore.load} side by side (one disk round instead of four), so
 * a start can begin reading before it knows its keys and deployment id; with a `scan`, files it
 * did not list are not opened.
 *
 * @example
 * ```ts
 * const files = readCoreFiles(store) // started now
 * await core.load(files)
 * ```
 */
export async function readCoreFiles(store: ClientStore, scan?: DirScan): Promise<CoreFiles> {
  const [clock, lease, revocations, revocationsDelta] = await Promise.all([
    store.readText('clock', scan),
    store.readText('lease', scan),
    store.readText('revocations', scan),
    store.readText('revocationsDelta', scan),
  ])
  return { clock, lease, revocations, revocationsDelta }
}

export function clampSkew(s: number): number {
  return Math.max(-MAX_SKEW_S, Math.min(MAX_SKEW_S, Number.isFinite(s) ? s : 0))
}

export function sameState(a: LicenseState, b: LicenseState): boolean {
  return (
    a.code === b.code &&
    a.reason === b.reason &&
    a.daysLeft === b.daysLeft &&
    a.features.length === b.features.length &&
    a.features.every((f, i) => f === b.features[i])
  )
}

export function codeOf(err: unknown): string {
  return err instanceof LicenseError ? err.code : 'UNKNOWN'
}

/** `CODE: message` for a LicenseError; never includes the key itself. */
export function describe(err: unknown): string {
  if (err instanceof LicenseError) return `${err.code}: ${err.message}`
  return err instanceof Error ? err.message : String(err)
}
