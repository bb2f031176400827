#!/usr/bin/env node
import { ConfigError } from '../config/load-config.js'
import { buildRelayApp } from './build-relay-app.js'
import { loadRelayConfig } from './relay-config.js'

// The air-gapped floating relay (docs/relay.md): configured by the environment, one shutdown
// whatever number of signals, exit 78 for a configuration the relay refuses (a forged pool file,
// another relay's pool, no relay key).
async function main(): Promise<void> {
  const config = loadRelayConfig(process.env)
  const app = await buildRelayApp({ config })
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
  const address = await app.listen({ port: config.port, host: config.host })
  app.log.info(
    { address, dataDir: config.dataDir, poolFile: config.poolFile },
    'tollgate relay ready',
  )
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`)
    process.exit(78)
  }
  process.stderr.write(
    `tollgate relay: start-up failed: ${err instanceof Error ? err.message : String(err)}\n`,
  )
  process.exit(1)
})
