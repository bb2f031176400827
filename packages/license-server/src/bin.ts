#!/usr/bin/env node
import { buildApp } from './app.js'
import { ConfigError } from './config/load-config.js'
import { missingNodeFlags } from './system/node-flags.js'
import { usePrettyLog } from './system/pretty-log.js'
import { listSurfaces, surfacesBanner } from './system/surfaces.js'

// Start-up: print the bootstrap admin key once (stdout, not the log), then listen.
async function main(): Promise<void> {
  const app = await buildApp({ env: process.env })
  const { config, bootstrap, dbKind } = app.tollgate
  if (bootstrap.ownerKey) {
    process.stdout.write(
      [
        '',
        '============================================================================',
        ' Tollgate: first start. Owner admin API key (shown ONCE, store it safely):',
        '',
        `   ${bootstrap.ownerKey}`,
        '',
        ` tenant: ${bootstrap.tenantId}`,
        '============================================================================',
        '',
      ].join('\n') + '\n',
    )
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down')
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
  const address = await app.listen({ port: config.port, host: config.host })
  // A wildcard bind is reachable on loopback; print an address a browser can open.
  const base = address.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//127.0.0.1')
  const surfaces = listSurfaces(app, base)
  app.log.info(
    {
      database: dbKind,
      dataDir: dbKind === 'pglite' ? config.dataDir : undefined,
      ...Object.fromEntries(surfaces.map((s) => [s.name.toLowerCase(), s.url])),
    },
    'tollgate license server ready',
  )
  if (usePrettyLog(config.logFormat, process.stdout.isTTY)) {
    const database = dbKind === 'pglite' ? `PGlite in ${config.dataDir}` : 'Postgres (DATABASE_URL)'
    process.stdout.write(`${surfacesBanner(surfaces, database)}\n`)
  }
  const missing = missingNodeFlags()
  if (missing.length > 0) {
    app.log.info(
      { missingNodeFlags: missing },
      `for a short latency tail start node with NODE_OPTIONS="${missing.join(' ')}" (docs/operations.md)`,
    )
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`)
    process.exit(78)
  }
  process.stderr.write(
    `tollgate: start-up failed: ${err instanceof Error ? err.message : String(err)}\n`,
  )
  process.exit(1)
})
