import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import { Mutex } from '../lib/mutex.js'

/** Options of {@link PGliteDialect}. */
export interface PGliteDialectConfig {
  /** A PGlite instance, or a factory called once on first use. */
  pglite: PGlite | (() => Promise<PGlite>)
}

class PGliteConnection implements DatabaseConnection {
  readonly #pg: PGlite
  constructor(pg: PGlite) {
    this.#pg = pg
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#pg.query<R>(compiled.sql, [...compiled.parameters])
    return {
      rows: result.rows,
      ...(result.affectedRows === undefined
        ? {}
        : { numAffectedRows: BigInt(result.affectedRows) }),
    }
  }

  // Streaming is not offered by PGlite's query API.
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new TypeError('PGliteDialect does not support streaming queries')
  }
}

class PGliteDriver implements Driver {
  readonly #config: PGliteDialectConfig
  readonly #mutex = new Mutex()
  #pg: PGlite | undefined
  #connection: PGliteConnection | undefined
  #release: (() => void) | undefined

  constructor(config: PGliteDialectConfig) {
    this.#config = config
  }

  async init(): Promise<void> {
    const { pglite } = this.#config
    this.#pg = typeof pglite === 'function' ? await pglite() : pglite
    this.#connection = new PGliteConnection(this.#pg)
  }

  // PGlite is one connection: acquiring it takes the lock until release, so a transaction
  // (begin ... commit, all on the same "connection") never interleaves with other queries.
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.lock()
    this.#release = release
    return this.#connection!
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let sql = 'begin'
    if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`
    if (settings.accessMode) sql += ` ${settings.accessMode}`
    await conn.executeQuery(CompiledQuery.raw(sql))
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'))
  }

  async savepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`savepoint "${name}"`))
  }

  async rollbackToSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`rollback to savepoint "${name}"`))
  }

  async releaseSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`release savepoint "${name}"`))
  }

  releaseConnection(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    release?.()
    return Promise.resolve()
  }

  async destroy(): Promise<void> {
    // Wait for in-flight work so close does not cut a transaction in half.
    const release = await this.#mutex.lock()
    try {
      if (this.#pg && !this.#pg.closed) await this.#pg.close()
    } finally {
      release()
    }
  }
}

/**
 * A Kysely dialect for PGlite (embedded Postgres in WebAssembly). It reuses Kysely's Postgres
 * adapter, compiler and introspector, so the same queries and migrations run on PGlite and pg.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite'
 * const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite: new PGlite('./data') }) })
 * ```
 */
export class PGliteDialect implements Dialect {
  readonly #config: PGliteDialectConfig
  constructor(config: PGliteDialectConfig) {
    this.#config = config
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PGliteDriver(this.#config)
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db)
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler()
  }
}
