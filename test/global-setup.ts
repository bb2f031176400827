import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

/**
 * One directory per `vitest run`, shared by its workers (the migrated PGlite dump of
 * packages/license-server/test/helpers/pglite-template.ts lives there), removed at the end.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-vitest-'))
  project.provide('tollgateRunDir', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}
