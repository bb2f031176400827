// Compile the labelled Solidity fixtures to runtime bytecode with the solc npm package
// (pure wasm, no network) and write test/fixtures/fixtures.json. Labels come from the
// `// @labels Contract: detector, detector` line above each contract.
//
//   npx tsx packages/enclave-runner/scripts/compile-fixtures.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>
  contracts?: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>>
}
interface Solc {
  version(): string
  compile(input: string, callbacks?: { import: (path: string) => ImportResult }): string
}
type ImportResult = { contents: string } | { error: string }

const here = dirname(fileURLToPath(import.meta.url))
const fixturesDir = join(here, '..', 'test', 'fixtures')
const contractsDir = join(fixturesDir, 'contracts')
const require = createRequire(import.meta.url)
const solc = require('solc') as Solc

// `import "@openzeppelin/contracts/..."` resolves to the installed package (a devDependency),
// so OpenZeppelin's real releases are compiled as negatives, offline.
function findImport(path: string): ImportResult {
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') }
  } catch {
    return { error: `cannot resolve import ${path}` }
  }
}

function compile(sources: Record<string, string>, optimizer: boolean): SolcOutput {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([k, content]) => [k, { content }])),
    settings: {
      optimizer: { enabled: optimizer, runs: 200 },
      outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } },
    },
  }
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) {
    process.stderr.write(errors.map((e) => e.formattedMessage).join('\n'))
    process.exit(1)
  }
  return out
}

const files = readdirSync(contractsDir)
  .filter((f) => f.endsWith('.sol'))
  .sort()
const sources = Object.fromEntries(
  files.map((f) => [f, readFileSync(join(contractsDir, f), 'utf8')]),
)
const labels = new Map<string, string[]>()
for (const text of Object.values(sources)) {
  for (const m of text.matchAll(/^\/\/ @labels (\w+):(.*)$/gm)) {
    const list = (m[2] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    labels.set(m[1] ?? '', list)
  }
}

const fixtures: Array<{
  id: string
  contract: string
  source: string
  optimizer: boolean
  labels: string[]
  bytecode: string
}> = []
for (const optimizer of [false, true]) {
  const out = compile(sources, optimizer)
  for (const [source, contracts] of Object.entries(out.contracts ?? {})) {
    for (const [contract, artefact] of Object.entries(contracts)) {
      const label = labels.get(contract)
      if (!label) continue // interfaces and helpers carry no label
      const bytecode = artefact.evm.deployedBytecode.object
      if (!bytecode) continue
      fixtures.push({
        id: `${contract}${optimizer ? '@opt' : ''}`,
        contract,
        source,
        optimizer,
        labels: label,
        bytecode: `0x${bytecode}`,
      })
    }
  }
}
fixtures.sort((a, b) => (a.id < b.id ? -1 : 1))
const doc = { solc: solc.version(), generatedBy: 'scripts/compile-fixtures.ts', fixtures }
writeFileSync(join(fixturesDir, 'fixtures.json'), `${JSON.stringify(doc, null, 2)}\n`)
process.stdout.write(
  `wrote ${fixtures.length} fixtures (${labels.size} labelled contracts) with solc ${solc.version()}\n`,
)
