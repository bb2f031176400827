// The Tollgate processes the demo and the end-to-end test start: server, CLI, example app.
import { randomBytes } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { NODE_TS, ProcessError, ROOT, run, start, until, type Child } from './processes.js'

/** A fresh owner admin key (`BOOTSTRAP_ADMIN_KEY`), so the caller knows it before start. */
export function newAdminKey(): string {
  return `tg_admin_${randomBytes(30).toString('base64url').replace(/[-_]/g, '').slice(0, 40).padEnd(32, 'x')}`
}

/** Settings of a license server process. */
export interface ServerSettings {
  port: number
  dataDir: string
  adminKey: string
  webhookSecret: string
  /** SMTP sink for license emails (the Stripe flow mails keys). */
  smtpPort?: number
  echo?: (line: string) => void
  /** Its own process group, killed as a whole by `stop()` (tests; see `StartOptions`). */
  ownGroup?: boolean
}

/**
 * Starts `packages/license-server/src/bin.ts` on the embedded database (PGlite under
 * `dataDir`) and waits until `/health` answers ok.
 */
export async function startServer(s: ServerSettings): Promise<Child> {
  const server = start(
    'license server',
    [...NODE_TS, 'packages/license-server/src/bin.ts'],
    {
      PORT: String(s.port),
      HOST: '127.0.0.1',
      DATA_DIR: s.dataDir,
      BOOTSTRAP_ADMIN_KEY: s.adminKey,
      STRIPE_WEBHOOK_SECRET: s.webhookSecret,
      LOG_LEVEL: 'warn',
      OUTBOX_INTERVAL_S: '1',
      ...(s.smtpPort === undefined
        ? {}
        : {
            SMTP_HOST: '127.0.0.1',
            SMTP_PORT: String(s.smtpPort),
            SMTP_FROM: 'licenses@vendor.example',
          }),
    },
    { ...(s.echo ? { echo: s.echo } : {}), ownGroup: s.ownGroup ?? false },
  )
  const url = `http://127.0.0.1:${s.port}`
  try {
    await until(
      'the license server /health',
      async () => {
        if (server.exitCode !== null)
          throw new ProcessError(`server exited (${server.exitCode}):\n${server.tail()}`)
        const res = await fetch(`${url}/health`)
        return res.ok ? true : undefined
      },
      300_000,
    )
  } catch (err) {
    await server.stop()
    throw err
  }
  return server
}

/** How to run the `tollgate` CLI: the built bin (`dist/bin.js`) or its source through tsx. */
export type CliRunner = readonly string[]
export const CLI_BUILT: CliRunner = [process.execPath, join(ROOT, 'packages/cli/dist/bin.js')]
export const CLI_SOURCE: CliRunner = [...NODE_TS, join(ROOT, 'packages/cli/src/bin.ts')]

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of await readdir(path))
    newest = Math.max(newest, await newestMtime(join(path, entry)))
  return newest
}

/**
 * Builds the CLI's bin (`dist/bin.js`, with the package's tsup config) unless it is newer than
 * every source it bundles (the CLI's and license-client's `src`, the tsup config). Resolves with
 * whether it built. Only the bin: the library entry and its declarations are not run by anyone here.
 */
export async function buildCli(): Promise<boolean> {
  const cliDir = join(ROOT, 'packages/cli')
  const built = await stat(join(cliDir, 'dist/bin.js')).then(
    (s) => s.mtimeMs,
    () => 0,
  )
  const sources = await Promise.all(
    [
      join(cliDir, 'src'),
      join(cliDir, 'tsup.config.ts'),
      join(ROOT, 'packages/license-client/src'),
    ].map(newestMtime),
  )
  if (built > Math.max(...sources)) return false
  // Loaded here: the demo, which imports this module too, never builds and should not load tsup.
  const { buildBin } = await import('../../packages/cli/scripts/build-bin.js')
  await buildBin(join(cliDir, 'dist'))
  return true
}

/** Runs `tollgate <args> --json` against a server; resolves with the parsed output. */
export async function cli<T>(
  runner: CliRunner,
  target: { url: string; adminKey: string; configDir: string },
  args: readonly string[],
): Promise<T> {
  const res = await run([...runner, ...args, '--json'], {
    TOLLGATE_URL: target.url,
    TOLLGATE_API_KEY: target.adminKey,
    // Never read or write the user's own profiles.
    TOLLGATE_CONFIG: join(target.configDir, 'tollgate-config.json'),
    NO_COLOR: '1',
  })
  if (res.code !== 0) {
    throw new ProcessError(`tollgate ${args.join(' ')} exited ${res.code}: ${res.stderr.trim()}`)
  }
  return JSON.parse(res.stdout) as T
}

/** Settings of the self-hosted example app process. */
export interface AppSettings {
  port: number
  serverUrl: string
  licenseFile: string
  storageDir: string
  checkIntervalMs?: number
  echo?: (line: string) => void
  /** Its own process group, killed as a whole by `stop()` (tests; see `StartOptions`). */
  ownGroup?: boolean
}

/** Starts `examples/self-hosted-app` (demo clock on) and waits until it listens. */
export async function startExampleApp(a: AppSettings): Promise<Child> {
  const app = start(
    'example app',
    [...NODE_TS, 'examples/self-hosted-app/src/main.ts'],
    {
      PORT: String(a.port),
      TOLLGATE_URL: a.serverUrl,
      TOLLGATE_LICENSE_FILE: a.licenseFile,
      TOLLGATE_STORAGE_DIR: a.storageDir,
      TOLLGATE_CHECK_INTERVAL_MS: String(a.checkIntervalMs ?? 1_000),
      DEMO_CLOCK: '1',
    },
    { ...(a.echo ? { echo: a.echo } : {}), ownGroup: a.ownGroup ?? false },
  )
  try {
    await app.waitForLine(/example app listening on/, 240_000)
  } catch (err) {
    await app.stop()
    throw err
  }
  return app
}
