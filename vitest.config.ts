import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

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
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is cores - 1: one worker on 2 cores, idle while a file waits for a
    // process, a socket or a database. Two workers there: 6 files 747 s -> 416 s at load 27,
    // green (measured back to back on the shared 2-core machine).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    globalSetup: ['test/global-setup.ts'],
  },
})
