import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEnclaveRunner } from '@tollgate/enclave-runner'
import type { EnclaveRunner, EnclaveRunnerOptions } from '@tollgate/enclave-runner'
import type { Jwks } from '@tollgate/license-client'

/** Runner options the server may override (tests pin a worker build or the sandbox). */
export type PoolRunnerOptions = Pick<EnclaveRunnerOptions, 'workerPath' | 'sandbox' | 'limits'>

/** Options of {@link EnclavePool}. */
export interface EnclavePoolOptions {
  /**
   * Parent of the per-tenant state directories (`<dir>/<tenantId>`); `undefined` means a
   * fresh temp directory, removed on close (in-memory and test databases).
   */
  baseDir: string | undefined
  runner?: PoolRunnerOptions
  /**
   * The tenant's CA and sealed bundle, shared by every instance (the database); without it each
   * runner keeps its own under its state directory.
   */
  loadState?: (tenantId: string) => Promise<Pick<EnclaveRunnerOptions, 'ca' | 'sealed'>>
}

/** A runner borrowed for one request; `release()` exactly once when done. */
export interface RunnerLease {
  runner: EnclaveRunner
  release(): void
}

interface Slot {
  /** Kids of the JWKS the runner was built with: a rotation needs a new runner. */
  fingerprint: string
  runner: Promise<EnclaveRunner>
  inFlight: number
  retired: boolean
}

const fingerprint = (jwks: Jwks): string =>
  jwks.keys
    .map((k) => k.kid)
    .sort()
    .join(',')

/**
 * One enclave runner per tenant, created on first use and reused: setting one up stages and
 * measures the worker and loads (or creates) the tenant's development CA and sealed bundle
 * from `<baseDir>/<tenantId>`, so root and measurement stay stable across restarts. The runner
 * checks license tokens against the JWKS it was built with, so when the tenant's key ids
 * change a new runner replaces it; the old one closes once its in-flight analyses finish.
 *
 * @example
 * ```ts
 * const pool = new EnclavePool({ baseDir: join(config.dataDir, 'enclave') })
 * const lease = await pool.acquire(tenantId, jwks)
 * try { await lease.runner.analyze(req) } finally { lease.release() }
 * await pool.close()
 * ```
 */
export class EnclavePool {
  readonly #slots = new Map<string, Slot>()
  readonly #opts: EnclavePoolOptions
  #tempDir: string | undefined
  #closed = false

  constructor(opts: EnclavePoolOptions) {
    this.#opts = opts
  }

  /** The tenant's runner (created on first use), counted as in use until released. */
  async acquire(tenantId: string, jwks: Jwks): Promise<RunnerLease> {
    const fp = fingerprint(jwks)
    let slot = this.#slots.get(tenantId)
    if (slot && slot.fingerprint !== fp) {
      this.#slots.delete(tenantId)
      this.#retire(slot)
      slot = undefined
    }
    if (!slot) {
      const created: Slot = {
        fingerprint: fp,
        runner: this.#create(tenantId, jwks),
        inFlight: 0,
        retired: false,
      }
      // A failed set-up (no sandbox, missing worker build) is retried by the next request.
      created.runner.catch(() => {
        if (this.#slots.get(tenantId) === created) this.#slots.delete(tenantId)
      })
      this.#slots.set(tenantId, created)
      slot = created
    }
    const held = slot
    held.inFlight++
    let runner: EnclaveRunner
    try {
      runner = await held.runner
    } catch (err) {
      held.inFlight--
      throw err
    }
    let released = false
    return {
      runner,
      release: () => {
        if (released) return
        released = true
        held.inFlight--
        if (held.retired && held.inFlight === 0) closeSlot(held)
      },
    }
  }

  /** Closes every runner (removing their staging directories) and the temp state, if any. */
  async close(): Promise<void> {
    this.#closed = true
    const slots = [...this.#slots.values()]
    this.#slots.clear()
    await Promise.all(slots.map((s) => s.runner.then((r) => r.close()).catch(() => undefined)))
    if (this.#tempDir) rmSync(this.#tempDir, { recursive: true, force: true })
  }

  #stateDir(tenantId: string): string {
    let base = this.#opts.baseDir
    if (base === undefined) {
      this.#tempDir ??= mkdtempSync(join(tmpdir(), 'tollgate-enclave-state-'))
      base = this.#tempDir
    }
    const dir = join(base, tenantId)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    return dir
  }

  async #create(tenantId: string, jwks: Jwks): Promise<EnclaveRunner> {
    const shared = this.#opts.loadState ? await this.#opts.loadState(tenantId) : {}
    const runner = await createEnclaveRunner({
      ...this.#opts.runner,
      ...shared,
      jwks,
      stateDir: this.#stateDir(tenantId),
    })
    // The app closed while this runner was being set up: nobody will release it.
    if (this.#closed) runner.close()
    return runner
  }

  #retire(slot: Slot): void {
    slot.retired = true
    if (slot.inFlight === 0) closeSlot(slot)
  }
}

function closeSlot(slot: Slot): void {
  slot.runner.then((r) => r.close()).catch(() => undefined)
}
