#!/usr/bin/env node
// The `tollgate` command. It lives outside dist/ so that installing the workspace (before
// anything is built) links it without warnings. In a checkout of the repository (tsconfig.json
// and src/ beside it) it runs the TypeScript source through tsx, so `npx -y pnpm@10 tollgate …`
// at the root works on a fresh clone and never runs a stale build; installed from a package it
// runs the built dist/bin.js.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { constants } from 'node:os'
import { fileURLToPath } from 'node:url'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const source = here('../src/bin.ts')
const checkout = existsSync(here('../tsconfig.json')) && existsSync(source)

if (checkout) {
  const tsx = import.meta.resolve('tsx')
  const child = spawn(
    process.execPath,
    ['--conditions=tollgate-source', '--import', tsx, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  )
  // The terminal sends SIGINT to the whole group; a `kill <pid>` reaches only us: pass it on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)))
} else if (existsSync(here('../dist/bin.js'))) {
  await import(new URL('../dist/bin.js', import.meta.url).href)
} else {
  process.stderr.write('tollgate: dist/bin.js is missing. Run `npx -y pnpm@10 build` first.\n')
  process.exit(1)
}
