#!/usr/bin/env node
// The installed `tollgate-server` command. It lives outside dist/ so that installing the
// workspace (before anything is built) can link it without warnings; it runs the built server.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const entry = new URL('../dist/bin.js', import.meta.url)
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'tollgate-server: not built yet. Run `npx -y pnpm@10 build` at the repository root first\n' +
      '(or start from source with `npx -y pnpm@10 start`).\n',
  )
  process.exit(1)
}
await import(entry.href)
