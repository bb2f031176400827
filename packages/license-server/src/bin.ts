#!/usr/bin/env node
import { buildApp } from './app.js'
import { ConfigError } from './config/load-config.js'
import { consoleSetupPath } from './console/console-setup.js'
import { missingNodeFlags } from './system/node-flags.js'

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
  await app.listen({ port: config.port, host: config.host })
  app.log.info(
    { database: dbKind, dataDir: dbKind === 'pglite' ? config.dataDir : undefined },
    'tollgate license server ready',
  )
  // The console's address, and (until an owner exists) the one-time first-owner setup link.
  const origin =
    config.web.publicUrl ??
    `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${app.server.address() && typeof app.server.address() === 'object' ? (app.server.address() as { port: number }).port : config.port}`
  const setup = consoleSetupPath(app.tollgate)
  process.stdout.write(
    `\n Staff console: ${origin}/console\n` +
      (setup
        ? ` First owner: open ${origin}${setup} (one-time link, valid 7 days; a restart prints a new one until an owner exists)\n\n`
        : '\n'),
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
