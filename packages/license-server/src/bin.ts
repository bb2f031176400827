#!/usr/bin/env node
import { buildApp } from './app.js'
import { ConfigError } from './config/load-config.js'
import { missingNodeFlags } from './system/node-flags.js'
import { writeOwnerKeyFile } from './tenants/owner-key-file.js'

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
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down')
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
  await app.listen({ port: config.port, host: config.host })
  app.log.info(
    { database: dbKind, dataDir: dbKind === 'pglite' ? config.dataDir : undefined },
    'tollgate license server ready',
  )
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
