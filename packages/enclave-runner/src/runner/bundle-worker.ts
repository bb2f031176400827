import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as Esbuild from 'esbuild'
import { EnclaveError } from '../errors.js'

/** Marker the self-test build carries, so tests can prove the production build lacks it. */
export const SELF_TEST_MARKER = 'tollgate-worker-self-test'

export interface BundleWorkerOptions {
  /** Where to write the single-file ESM worker. */
  readonly outFile: string
  /** Include the sandbox probes (tests only; changes the measurement). */
  readonly selfTest?: boolean
}

/**
 * Bundle the worker (engine, sealed-bundle opener, key unwrap, result signing) into one ESM
 * file with esbuild. That file's bytes are what the launcher measures as PCR0 and executes.
 * Needs esbuild (a devDependency): packaged builds ship the prebuilt `dist-worker/worker.mjs`.
 *
 * @example
 * ```ts
 * await bundleWorker({ outFile: 'dist-worker/worker.mjs' })
 * ```
 */
export async function bundleWorker(opts: BundleWorkerOptions): Promise<string> {
  let esbuild: typeof Esbuild
  try {
    esbuild = await import('esbuild')
  } catch (cause) {
    throw new EnclaveError(
      'WORKER_BUNDLE_MISSING',
      'esbuild is needed to bundle the worker; use the prebuilt dist-worker/worker.mjs',
      { cause },
    )
  }
  mkdirSync(dirname(opts.outFile), { recursive: true })
  // From source this file is src/runner/*.ts; from the build it is dist/index.*, and the
  // package ships src/ next to dist/.
  const fromSource = /\.ts$/.test(import.meta.url)
  const entry = fileURLToPath(
    new URL(fromSource ? '../worker/main.ts' : '../src/worker/main.ts', import.meta.url),
  )
  await esbuild.build({
    entryPoints: [entry],
    outfile: opts.outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['tollgate-source'],
    define: { __TOLLGATE_SELFTEST__: opts.selfTest ? 'true' : 'false' },
    // Syntax minification only: it drops the dead self-test branch, keeps names readable.
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'silent',
    banner: {
      js: `// Tollgate enclave worker${opts.selfTest ? ` (${SELF_TEST_MARKER})` : ''}. Measured as PCR0: any byte changed here changes the measurement.`,
    },
  })
  return opts.outFile
}
