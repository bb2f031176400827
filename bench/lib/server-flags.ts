// The Node flags the bench's server processes run with: the server's own recommended flags
// (what `pnpm start` uses), so the bench measures the server as it is meant to run. The bare
// Fastify baseline and the steady-rate load generator get the same flags: one runtime for all.
// BENCH_SERVER_FLAGS overrides them ('' = plain node, to see what the flags are worth).
import { RECOMMENDED_NODE_FLAGS } from '@tollgate/license-server'

export const SERVER_FLAGS: readonly string[] =
  process.env.BENCH_SERVER_FLAGS === undefined
    ? RECOMMENDED_NODE_FLAGS
    : process.env.BENCH_SERVER_FLAGS.split(/\s+/).filter(Boolean)

/** `execArgv` for a forked server process. */
export function serverExecArgv(extra: readonly string[] = []): string[] {
  return [...process.execArgv, ...SERVER_FLAGS, ...extra]
}

/** How the bench header names the flags. */
export const SERVER_FLAGS_LABEL = SERVER_FLAGS.length > 0 ? SERVER_FLAGS.join(' ') : 'none'
