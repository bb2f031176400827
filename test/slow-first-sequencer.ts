import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

// Test files that start child processes (a server, the CLI, an example app) take 10-30 s each
// where most files take one or two; started last, one of them leaves the other worker idle at
// the end of the run (the demo's 14 s did, on a fresh clone). Vitest orders files by their last
// duration when its cache knows them, and by size otherwise, which is every file on a fresh
// clone: there, files that start processes go first.
const STARTS_PROCESSES = /node:child_process|scripts\/lib\/(processes|tollgate)\.js/

/**
 * Vitest's order (failed first, then longest first from the cache), except on a run the cache
 * knows nothing of, where files that start child processes come first.
 *
 * @example
 * ```ts
 * export default defineConfig({ test: { sequence: { sequencer: SlowFirstSequencer } } })
 * ```
 */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const root = this.ctx.config.root
    const known = (f: TestSpecification): boolean =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`) !==
      undefined
    if (sorted.every(known)) return sorted
    const startsProcesses = (f: TestSpecification): boolean => {
      try {
        return STARTS_PROCESSES.test(readFileSync(f.moduleId, 'utf8'))
      } catch {
        return false
      }
    }
    const first = sorted.filter(startsProcesses)
    return [...first, ...sorted.filter((f) => !first.includes(f))]
  }
}
