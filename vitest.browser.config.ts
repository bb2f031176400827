import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

// Browser tests (headless Chromium via playwright-core): `pnpm test:browser`. They skip with a
// printed reason when /usr/bin/chromium is missing; CI installs it first. One browser per file.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['packages/*/test/browser/**/*.browser.ts'],
    // Safety nets, not budgets (as in vitest.config.ts): a set-up that starts a server, example
    // apps and Chromium took over 120 s at load 30+ on the shared 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 400_000,
    // One browser per file, a fresh module scope per file, as before the main config shared them.
    isolate: true,
  },
})
