/** A controllable clock for `buildApp({ now })`. */
export interface FakeClock {
  now: () => Date
  advance(ms: number): void
  set(at: Date): void
}

/** Starts at `start` (default: the real now) and only moves when told. */
export function createClock(start: Date = new Date()): FakeClock {
  let t = start.getTime()
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms
    },
    set: (at) => {
      t = at.getTime()
    },
  }
}

/** Milliseconds in a day. */
export const DAY = 86_400_000
