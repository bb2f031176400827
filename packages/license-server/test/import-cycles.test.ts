import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('../src', import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Relative imports of a file (type-only imports count: they couple modules just the same). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')))
}

/** Every elementary cycle found by a depth-first search, each as a list of paths. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string): void => {
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue
      const s = state.get(next)
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next])
      else if (s === undefined) visit(next)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node)
  return cycles
}

describe('license-server source', () => {
  it('has no import cycle (type-only imports included)', () => {
    const graph = new Map(sourceFiles(SRC).map((f) => [f, importsOf(f)]))
    expect(graph.size).toBeGreaterThan(50)
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' → '))
    expect(cycles).toEqual([])
  })

  it('keeps the config layer a leaf: config/ and feature *.config.ts readers import no feature code', () => {
    const isConfigLayer = (f: string): boolean =>
      relative(SRC, f).startsWith('config/') || f.endsWith('.config.ts')
    const files = sourceFiles(SRC).filter(isConfigLayer)
    expect(files.length).toBeGreaterThan(2)
    const leaks = files.flatMap((f) =>
      importsOf(f)
        .filter((to) => !isConfigLayer(to))
        .map((to) => `${relative(SRC, f)} → ${relative(SRC, to)}`),
    )
    expect(leaks).toEqual([])
  })

  it('finds a planted cycle (the check itself works)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ])
    expect(findCycles(graph)).toEqual([['a', 'b', 'c', 'a']])
  })
})
