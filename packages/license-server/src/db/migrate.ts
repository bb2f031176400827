import { Migrator, type Kysely, type MigrationResultSet } from 'kysely'
import { AppError } from '../errors/app-error.js'
import { migrations as allMigrations } from './migrations/index.js'
import type { Migration } from 'kysely'

function migrator(db: Kysely<unknown>, migrations: Record<string, Migration>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    // Features land in parallel: a later-merged migration may sort before an applied one.
    allowUnorderedMigrations: true,
  })
}

function check(result: MigrationResultSet): string[] {
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName
    throw new AppError(
      'INTERNAL_ERROR',
      `Migration ${failed ?? '(unknown)'} failed: ${String((result.error as Error).message ?? result.error)}`,
      { cause: result.error },
    )
  }
  return (result.results ?? []).map((r) => r.migrationName)
}

/**
 * Applies every pending migration (run at start-up); returns the names applied.
 *
 * @example
 * ```ts
 * await migrateToLatest(db)
 * ```
 */
export async function migrateToLatest<T>(
  db: Kysely<T>,
  migrations: Record<string, Migration> = allMigrations,
): Promise<string[]> {
  return check(await migrator(db as unknown as Kysely<unknown>, migrations).migrateToLatest())
}

/**
 * Reverts the most recent migration; returns the names reverted.
 *
 * @example
 * ```ts
 * await migrateDown(db)
 * ```
 */
export async function migrateDown<T>(
  db: Kysely<T>,
  migrations: Record<string, Migration> = allMigrations,
): Promise<string[]> {
  return check(await migrator(db as unknown as Kysely<unknown>, migrations).migrateDown())
}
