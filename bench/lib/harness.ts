// Tiny benchmark harness: warm up, then the median of several timed rounds, so one noisy round
// on a shared machine does not decide a ratio. Prints ratios against baselines from the same run.
export interface Result {
  name: string
  nsPerOp: number
}

export async function measure(
  name: string,
  ops: number,
  fn: (i: number) => unknown,
  rounds = 7,
): Promise<Result> {
  let sink: unknown
  for (let i = 0; i < Math.min(ops, 2000); i++) sink = await fn(i)
  const samples: number[] = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < ops; i++) sink = fn(i)
    if (sink instanceof Promise) await sink
    samples.push(Number(process.hrtime.bigint() - start) / ops)
  }
  samples.sort((a, b) => a - b)
  if (sink === Symbol.for('never')) console.log('') // keep `sink` observable
  return { name, nsPerOp: samples[Math.floor(samples.length / 2)]! }
}

export async function measureAsync(
  name: string,
  ops: number,
  fn: (i: number) => Promise<unknown>,
  rounds = 7,
): Promise<Result> {
  for (let i = 0; i < Math.min(ops, 500); i++) await fn(i)
  const samples: number[] = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < ops; i++) await fn(i)
    samples.push(Number(process.hrtime.bigint() - start) / ops)
  }
  samples.sort((a, b) => a - b)
  return { name, nsPerOp: samples[Math.floor(samples.length / 2)]! }
}

export function fmt(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`
  return `${ns.toFixed(1)} ns`
}

export interface Comparison {
  subject: Result
  baseline: Result
  target: string
  ok: (ratio: number) => boolean
}

/** Prints one line per comparison and returns false when any target is missed. */
export function report(title: string, rows: Comparison[]): boolean {
  console.log(`\n${title}`)
  let allOk = true
  for (const { subject, baseline, target, ok } of rows) {
    const ratio = subject.nsPerOp / baseline.nsPerOp
    const pass = ok(ratio)
    allOk &&= pass
    console.log(
      `  ${subject.name.padEnd(44)} ${fmt(subject.nsPerOp).padStart(10)}  vs ${baseline.name.padEnd(34)} ${fmt(baseline.nsPerOp).padStart(10)}  ratio ${ratio.toFixed(2)}x  (target ${target}) ${pass ? 'OK' : 'MISSED'}`,
    )
  }
  return allOk
}

/**
 * Measures two synchronous functions in alternating rounds (A, B, A, B, …) and keeps each one's
 * median: load that comes and goes on a shared machine then hits both sides alike, so their
 * ratio stays meaningful even when absolute times drift.
 */
export function measurePair(
  a: { name: string; fn: (i: number) => unknown },
  b: { name: string; fn: (i: number) => unknown },
  ops: number,
  rounds = 9,
): [Result, Result] {
  let sink: unknown
  for (let i = 0; i < Math.min(ops, 2000); i++) {
    sink = a.fn(i)
    sink = b.fn(i)
  }
  const sa: number[] = []
  const sb: number[] = []
  for (let r = 0; r < rounds; r++) {
    for (const [fn, samples] of [
      [a.fn, sa],
      [b.fn, sb],
    ] as const) {
      const start = process.hrtime.bigint()
      for (let i = 0; i < ops; i++) sink = fn(i)
      samples.push(Number(process.hrtime.bigint() - start) / ops)
    }
  }
  if (sink === Symbol.for('never')) console.log('')
  const median = (s: number[]) => s.sort((x, y) => x - y)[Math.floor(s.length / 2)]!
  return [
    { name: a.name, nsPerOp: median(sa) },
    { name: b.name, nsPerOp: median(sb) },
  ]
}
