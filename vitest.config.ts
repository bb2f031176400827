import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import { SlowFirstSequencer } from './test/slow-first-sequencer.js'

// Tests run against each package's TypeScript source through the `tollgate-source`
// export condition, never against build output.
const conditions = ['tollgate-source', 'node', 'import', 'default']

export default defineConfig({
  resolve: { conditions },
  // Server-side templates use our own JSX factory (tsconfig: jsxFactory h, Fragment).
  oxc: { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment', development: false } },
  // Vitest passes ssr.resolve.conditions to the worker as `node --conditions`; `import` there
  // makes CommonJS require() pick packages' ESM builds (pg -> pg-pool breaks), so keep it out.
  ssr: {
    resolve: {
      conditions: ['tollgate-source', 'node', 'development|production'],
      externalConditions: ['tollgate-source'],
    },
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'test/e2e/**/*.test.ts',
    ],
    // Safety nets, not budgets: tests wait for readiness and normally finish in seconds, but a
    // shared 2-core machine at load average 8+ makes process start-ups take minutes.
    // At load 30-40 (8 helpers on 2 cores) a set-up that takes seconds idle (a server on PGlite,
    // the CLI build) passed 180 s, and a test that opens its own on-disk PGlite passed 120 s.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    // One worker process runs many files and keeps its module cache between them: the server,
    // PGlite's wasm and the dependencies are loaded once per worker, not once per file, which was
    // most of the suite's time. 10 server files back to back at load 24-33: isolated 858 s wall,
    // 118 s CPU, import 504 s, two set-ups timed out; shared 330 s wall, 67 s CPU, import 51 s,
    // green. Each test file is still evaluated afresh; the modules it imports are shared, so a
    // test that changes shared state (fake timers, spies, process.env, a module's cache)
    // restores it in afterEach/afterAll, as the tests here do.
    // A test must not spy on or replace globals it cannot restore exactly: a
    // `vi.spyOn(globalThis, 'setTimeout')` under fake timers once made a later file's
    // Retry-After test hang in the same worker (the client's scheduler now takes its timer).
    isolate: false,
    // Vitest's default is cores - 1: one worker on 2 cores, idle while a file waits for a
    // process, a socket or a database. Two workers there: 6 files 747 s -> 416 s at load 27,
    // green (measured back to back on the shared 2-core machine).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    globalSetup: ['test/global-setup.ts'],
    sequence: { sequencer: SlowFirstSequencer },
  },
})
