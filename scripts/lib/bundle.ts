// One-file bundles of workspace entry points for tests that start many child processes.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { build } from 'tsup'
import { ROOT } from './processes.js'

/**
 * A bundle written by {@link bundleEntry}: `file` is run with `node file …`; `remove()` deletes
 * it (call it in `afterAll`).
 */
export interface Bundle {
  file: string
  remove(): void
}

// Starting a child through tsx compiles the workspace's TypeScript module by module at every
// start: about 1 s of CPU for a client-only process and 2-3 s for the server or the relay, idle.
// The same code bundled once per test file starts in 0.2 s. Tests that start a process once
// (`pnpm start`, the demo) keep tsx, which is what users run; tests that start one 20 times to
// kill it at random moments use a bundle.
const CHILD_BANNER =
  "import { createRequire as __tgRequire } from 'node:module'\n" +
  'const require = __tgRequire(import.meta.url)'

/**
 * Bundles `entry` (a path under the repository) with the workspace packages it imports, read
 * from their TypeScript sources (`tollgate-source` condition). Third-party packages stay
 * external and resolve from `node_modules` as usual: the bundle is written inside the package
 * that holds `entry` (`<package>/node_modules/.cache/`), so PGlite and the others find their own
 * files.
 *
 * @example
 * ```ts
 * const child = await bundleEntry('packages/license-client/test/fixtures/usage-child.ts')
 * spawn(process.execPath, [child.file, url, dir])
 * afterAll(() => child.remove())
 * ```
 */
export async function bundleEntry(entry: string): Promise<Bundle> {
  const source = join(ROOT, entry)
  const cache = join(packageDirOf(source), 'node_modules', '.cache')
  mkdirSync(cache, { recursive: true })
  const outDir = mkdtempSync(join(cache, 'child-bundle-'))
  await build({
    entry: { child: source },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir,
    config: false,
    dts: false,
    sourcemap: false,
    clean: false,
    splitting: false,
    outExtension: () => ({ js: '.mjs' }),
    silent: true,
    banner: { js: CHILD_BANNER },
    esbuildPlugins: [
      {
        name: 'external-dependencies',
        setup(b) {
          // Bare imports other than the workspace's own packages are left to Node at run time.
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@tollgate/') ? undefined : { path: args.path, external: true },
          )
        },
      },
    ],
    esbuildOptions(options) {
      options.conditions = ['tollgate-source', 'node', 'import']
    },
  })
  return {
    file: join(outDir, 'child.mjs'),
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  }
}

/** The nearest folder above `file` that is a workspace package (`packages/x`, `examples/x`). */
function packageDirOf(file: string): string {
  let dir = dirname(file)
  while (dirname(dir) !== dir) {
    const parent = dirname(dir)
    if (parent === join(ROOT, 'packages') || parent === join(ROOT, 'examples')) return dir
    dir = parent
  }
  return ROOT
}
