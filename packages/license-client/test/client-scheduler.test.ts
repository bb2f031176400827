import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextDelayMs } from '@tollgate/license-client'
import { Scheduler } from '../src/client/scheduler.js'

describe('nextDelayMs: interval with jitter, exponential backoff on failure', () => {
  it.each([
    // intervalS, failures, random, expected ms
    [3600, 0, 0, 3_240_000], // -10 %
    [3600, 0, 0.5, 3_600_000],
    [3600, 0, 1, 3_960_000], // +10 %
    [3600, 1, 1, 5_000],
    [3600, 2, 1, 10_000],
    [3600, 3, 1, 20_000],
    [3600, 10, 1, 2_560_000],
    [3600, 11, 1, 3_600_000], // capped at the interval
    [3600, 500, 1, 3_600_000],
    [3600, 3, 0, 10_000], // jitter floor: half
    [0, 0, 0.5, 10_000], // never more often than every 10 s
  ])('interval %i s, %i failures, random %f -> %i ms', (intervalS, failures, random, expected) => {
    expect(nextDelayMs(intervalS, failures, random)).toBe(expected)
  })
})

describe('Scheduler (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it("honours the server's Retry-After: no run before it, whatever the backoff says", async () => {
    const runs: number[] = []
    const scheduler = new Scheduler(
      async () => {
        runs.push(Date.now())
        return false
      },
      () => 3600,
      () => 0.5,
    )
    const t0 = Date.now()
    scheduler.notBefore = () => t0 + 600_000 // Retry-After: 600
    scheduler.start(0)
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(599_000)
    expect(runs).toHaveLength(1) // backoff alone would have retried after 3.75 s
    await vi.advanceTimersByTimeAsync(1_000)
    expect(runs).toHaveLength(2)
    await scheduler.stop()
  })

  it('runs on the interval, backs off while failing, and recovers', async () => {
    const results = [true, false, false, false, true, true]
    const runs: number[] = []
    const scheduler = new Scheduler(
      async () => {
        runs.push(Date.now())
        return results.shift() ?? true
      },
      () => 3600,
      () => 0.5,
    )
    const t0 = Date.now()
    scheduler.start(0)
    await vi.advanceTimersByTimeAsync(0)
    expect(runs).toHaveLength(1) // first run right away (activation on start)
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(runs).toHaveLength(2) // then fails
    await vi.advanceTimersByTimeAsync(3_750) // 5 s * 0.75
    await vi.advanceTimersByTimeAsync(7_500) // 10 s * 0.75
    await vi.advanceTimersByTimeAsync(15_000) // 20 s * 0.75: succeeds
    expect(runs.map((t) => t - t0)).toEqual([0, 3_600_000, 3_603_750, 3_611_250, 3_626_250])
    expect(scheduler.failures).toBe(0)
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(runs).toHaveLength(6)
    await scheduler.stop()
    await vi.advanceTimersByTimeAsync(10 * 3_600_000)
    expect(runs).toHaveLength(6)
  })

  it('a task that rejects counts as a failure and never escapes', async () => {
    let calls = 0
    const scheduler = new Scheduler(
      () => {
        calls++
        return Promise.reject(new Error('boom'))
      },
      () => 60,
      () => 1,
    )
    scheduler.start(0)
    await vi.advanceTimersByTimeAsync(5_000 + 10_000)
    expect([calls, scheduler.failures]).toEqual([3, 3])
    await scheduler.stop()
  })

  it('runNow joins a run in flight instead of starting a second one', async () => {
    let release: () => void = () => undefined
    let calls = 0
    const scheduler = new Scheduler(
      () => {
        calls++
        return new Promise<boolean>((r) => (release = () => r(true)))
      },
      () => 3600,
    )
    const a = scheduler.runNow()
    const b = scheduler.runNow()
    release()
    await Promise.all([a, b])
    expect(calls).toBe(1)
    await scheduler.stop()
  })

  it('its timers are unref-ed', async () => {
    const timers: NodeJS.Timeout[] = []
    const scheduler = new Scheduler(
      async () => true,
      () => 3600,
      Math.random,
      (run, delayMs) => {
        const timer = setTimeout(run, delayMs)
        timers.push(timer)
        return timer
      },
    )
    scheduler.start(1000)
    expect(timers).toHaveLength(1)
    expect(timers[0]?.hasRef()).toBe(false)
    await scheduler.stop()
  })
})
