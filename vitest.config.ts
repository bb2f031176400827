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
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
