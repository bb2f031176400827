// The CLI's executable alone, built with the package's own tsup config (banner, bundling and
// conditions are the real ones): what tests that run `node bin.js` need, in well under a
// second of CPU, where the full `tsup` (library entry, CJS, declarations, source maps) takes
// about 6 s.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Options } from 'tsup'
import tsupConfig from '../tsup.config.js'

const pkgDir = fileURLToPath(new URL('..', import.meta.url))

/** A tsup configuration without a `bin` entry: the package's config was changed. */
export class BinConfigError extends Error {
  readonly code = 'NO_BIN_ENTRY'
  constructor() {
    super('packages/cli/tsup.config.ts has no `bin` entry')
    this.name = 'BinConfigError'
  }
}

/**
 * Builds `src/bin.ts` into `outDir` (no library entry, no CJS, no declarations, no source map)
 * and resolves with the path of `bin.js`. `outDir` must be inside packages/cli so the bin's
 * external imports (`commander`, …) resolve.
 *
 * @example
 * ```ts
 * const bin = await buildBin(join(pkgDir, 'dist'))
 * spawn(process.execPath, [bin, '--help'])
 * ```
 */
export async function buildBin(outDir: string): Promise<string> {
  const configs: Options[] = Array.isArray(tsupConfig) ? tsupConfig : []
  const binConfig = configs.find((c) => !Array.isArray(c.entry) && c.entry?.['bin'] !== undefined)
  const entry = !binConfig || Array.isArray(binConfig.entry) ? undefined : binConfig.entry?.['bin']
  if (!binConfig || !entry) throw new BinConfigError()
  await build({
    ...binConfig,
    config: false,
    // The config's paths are relative to the package; callers run from anywhere.
    entry: { bin: join(pkgDir, entry) },
    tsconfig: join(pkgDir, 'tsconfig.json'),
    outDir,
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
  })
  return join(outDir, 'bin.js')
}
