// The installable `tollgate` CLI: one tarball that `npm i -g <file>.tgz` takes with no registry
// lookups. The bin is a single bundle (commander, undici and the license-client codec inlined),
// so the packed manifest has no dependencies at all — in particular no `workspace:*`.
//   npx -y pnpm@10 pack:cli [out-dir]     (default: ./artifacts)
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'tsup'

const cliDir = fileURLToPath(new URL('..', import.meta.url))
const outDir = resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? 'artifacts')
const manifest = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as {
  name: string
  version: string
  description: string
  license: string
  engines: Record<string, string>
}

const stage = mkdtempSync(join(tmpdir(), 'tollgate-cli-pack-'))
try {
  await build({
    entry: { tollgate: join(cliDir, 'src/bin.ts') },
    outDir: join(stage, 'bin'),
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    silent: true,
    config: false,
    noExternal: [/.*/],
    // CommonJS dependencies (tweetnacl, undici, commander) call require(): give the bundle one.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __tgRequire } from 'node:module'\nconst require = __tgRequire(import.meta.url)",
    },
    esbuildOptions(options) {
      options.conditions = ['tollgate-source', 'node', 'import']
    },
  })
  writeFileSync(
    join(stage, 'package.json'),
    JSON.stringify(
      {
        name: manifest.name,
        version: manifest.version,
        description: manifest.description,
        license: manifest.license,
        type: 'module',
        engines: manifest.engines,
        bin: { tollgate: './bin/tollgate.js' },
        files: ['bin', 'README.md', 'LICENSE'],
      },
      null,
      2,
    ) + '\n',
  )
  for (const file of ['README.md', 'LICENSE']) copyFileSync(join(cliDir, file), join(stage, file))
  mkdirSync(outDir, { recursive: true })
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], {
    cwd: stage,
    encoding: 'utf8',
  }).trim()
  process.stdout.write(`${join(outDir, packed.split('\n').pop() ?? '')}\n`)
} finally {
  rmSync(stage, { recursive: true, force: true })
}
