// Build dist-worker/worker.mjs: the single file the launcher measures (PCR0) and runs.
//   npx tsx --conditions=tollgate-source packages/enclave-runner/scripts/build-worker.ts
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleWorker } from '../src/runner/bundle-worker.js'
import { measure } from '../src/lib/pcr.js'

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist-worker', 'worker.mjs')
await bundleWorker({ outFile: out })
process.stdout.write(`${out}\nPCR0 ${measure(readFileSync(out)).toString('hex')}\n`)
