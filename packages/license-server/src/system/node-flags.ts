/**
 * The Node/V8 flags the server is meant to run with.
 *
 * `--max-semi-space-size=64` lets V8's young generation grow to 64 MB semi-spaces (Node 20's
 * ceiling is 16 MB). Every validation allocates ~25 KB of short-lived objects; with 16 MB
 * semi-spaces a scavenge runs every ~30 ms at 16k req/s, the objects of in-flight requests are
 * promoted, and the old generation fills until a mark-compact stalls the event loop for tens
 * of milliseconds. Measured with `bench:server` (Postgres, 30 s at half of peak load): p99
 * 19 ms without the flag (5 major collections), 4.6–11.4 ms with it (none); the idle heap is
 * unchanged, the heap committed under load roughly doubles (~95 → ~180 MB).
 *
 * V8 reads heap sizes once, at start-up (`v8.setFlagsFromString` is too late), so the flag has
 * to be on the command line or in `NODE_OPTIONS`; `pnpm start` passes it, `bin.ts` logs a hint
 * when it is missing.
 *
 * @example
 * ```sh
 * NODE_OPTIONS=--max-semi-space-size=64 node packages/license-server/dist/bin.js
 * ```
 */
export const RECOMMENDED_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64']

/** `--max_semi_space_size=8` → `--max-semi-space-size` (V8 accepts both spellings). */
function flagName(arg: string): string {
  return (arg.split('=')[0] ?? arg).replaceAll('_', '-')
}

/**
 * The {@link RECOMMENDED_NODE_FLAGS} this process was not started with. A flag given with
 * another value counts as set: the operator chose it.
 *
 * @example
 * ```ts
 * const missing = missingNodeFlags()
 * if (missing.length > 0) log.info(`start node with NODE_OPTIONS="${missing.join(' ')}"`)
 * ```
 */
export function missingNodeFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): string[] {
  const given = new Set(
    [...execArgv, ...nodeOptions.split(/\s+/)].filter((a) => a.startsWith('--')).map(flagName),
  )
  return RECOMMENDED_NODE_FLAGS.filter((flag) => !given.has(flagName(flag)))
}
