// The air-gapped app: no network, ever. Reads SITE_DIR (./site) and prints the license state,
// then keeps watching the key and revocation files (CHECK_INTERVAL_MS, default 5000) and prints
// every change. `--once`: print the state as JSON and exit (0 when paid features are usable).
// Offline activation: `request <file>`, `activate <file>`, `deactivate <file>` (see
// offline-steps.ts); SITE_REQUIRE_ACTIVATION=1 runs only with a machine file for this machine.
import { offlineStep } from './offline-steps.js'
import { openSite } from './site.js'

const dir = process.env.SITE_DIR ?? 'site'

function fatal(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`air-gapped app: cannot open the site ${dir}: ${message}\n`)
  process.exit(1)
}

const [step, file] = process.argv.slice(2)
if ((step === 'request' || step === 'activate' || step === 'deactivate') && file) {
  process.exit(await offlineStep(dir, step, file).catch(fatal))
}
const once = process.argv.includes('--once')
const license = await openSite(dir, {
  requireActivation: process.env.SITE_REQUIRE_ACTIVATION === '1',
  checkIntervalMs: Number(process.env.CHECK_INTERVAL_MS ?? 5_000),
  logger: {
    warn: (data, message) => process.stderr.write(`[license] ${message} ${JSON.stringify(data)}\n`),
    error: (data, message) =>
      process.stderr.write(`[license] ${message} ${JSON.stringify(data)}\n`),
  },
  onChange: (code, reason) => process.stdout.write(`license: ${code} (${reason})\n`),
}).catch(fatal)
const { state } = license
if (once) {
  process.stdout.write(JSON.stringify(state, null, 2) + '\n')
  await license.close()
  process.exit(state.restricted ? 3 : 0)
}
process.stdout.write(`air-gapped site ${dir}: watching its license files\n`)
process.stdout.write(
  `license: ${state.code} (${state.reason}); features: ${state.features.join(', ') || '-'}\n`,
)
// The client's timers are unref'd (they never keep a process alive): this one does, on purpose.
const keepAlive = setInterval(() => undefined, 1 << 30)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(keepAlive)
    void license.close().then(() => process.exit(0))
  })
}
