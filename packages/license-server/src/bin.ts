#!/usr/bin/env node
import { buildApp } from './app.js'
import { ConfigError } from './config/load-config.js'
import { consoleSetupPath } from './console/console-setup.js'
import { missingNodeFlags } from './system/node-flags.js'
import { usePrettyLog } from './system/pretty-log.js'
import { listSurfaces, surfacesBanner } from './system/surfaces.js'
import { writeOwnerKeyFile, writeSecretNote } from './tenants/owner-key-file.js'

// Start-up: hand over the bootstrap admin key once (terminal, or a 0600 file), then listen.
async function main(): Promise<void> {
  const app = await buildApp({ env: process.env })
  const { config, bootstrap, dbKind } = app.tollgate
  if (bootstrap.ownerKey) {
    // On a terminal, show it. Otherwise stdout is a log (journald, container logs): the key goes
    // to a 0600 file in the data directory and the output only says where.
    if (process.stdout.isTTY || config.dataDir.startsWith('memory://')) {
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
    } else {
      const path = writeOwnerKeyFile(config.dataDir, {
        ownerKey: bootstrap.ownerKey,
        tenantId: bootstrap.tenantId,
      })
      process.stdout.write(
        `Tollgate: first start. The owner admin API key was written to ${path} (mode 0600): store it safely, then delete the file.\n`,
      )
    }
  }
  // One shutdown, whatever number of signals: Ctrl-C reaches both tsx (`pnpm start`) and the
  // server, and tsx relays it, so a second signal arrives while the database is still being
  // closed. Dying on it (the default action once a `once` handler is spent) could cut PGlite's
  // last write short.
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
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
  // Until the tenant has staff: the console's one-time first-owner setup link. Like the owner
  // key, it grants everything: printed on a terminal only, otherwise written to a 0600 file.
  const setup = consoleSetupPath(app.tollgate)
  if (setup) {
    const link = `${(config.web.publicUrl ?? base).replace(/\/$/, '')}${setup}`
    const where = process.stdout.isTTY
      ? link
      : `the link in ${writeSecretNote(config.dataDir, 'console-setup.txt', [link])} (mode 0600)`
    process.stdout.write(
      ` First owner of the staff console: open ${where}\n` +
        ' (one-time link, valid 7 days; a restart makes a new one until an owner exists)\n\n',
    )
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
