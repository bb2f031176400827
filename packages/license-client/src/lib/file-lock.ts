import { randomBytes } from 'node:crypto'
import { link, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'

/** What a lock file holds: who owns it. */
export interface LockOwner {
  pid: number
  host: string
  /** Random per lock object, so two holders in one process (or a reused pid) are told apart. */
  id: string
  /** Wall time of the last refresh, ms (informational; staleness is judged by mtime). */
  at: number
}

/** Lock ids held by live FileLock objects of this process: a lock file naming our pid but
 * none of these ids was left by an earlier process that had the same pid (containers: pid 1). */
const liveIds = new Set<string>()

/**
 * A lock file shared by every process using one storage directory. Created atomically with
 * its content (temp file + `link`, which fails when the lock exists), so a crash never leaves
 * an empty lock. A lock is stale when its owner is a dead process on this host, or when it was
 * not refreshed for `staleMs` (owners on another host or pid namespace, hung owners).
 */
export class FileLock {
  readonly path: string
  readonly staleMs: number
  readonly id = randomBytes(8).toString('hex')
  #held = false
  #unavailable = false

  constructor(path: string, staleMs: number) {
    this.path = path
    this.staleMs = staleMs
  }

  get held(): boolean {
    return this.#held
  }

  /** True when the last attempt could not create a lock file at all (unwritable directory). */
  get unavailable(): boolean {
    return this.#unavailable
  }

  /** Takes the lock if it is free or stale; false when a live owner holds it. */
  async tryAcquire(): Promise<boolean> {
    if (this.#held) return true
    const created = await this.#create()
    this.#unavailable = created === 'error'
    if (created !== 'exists') return created === 'held'
    const owner = await readOwner(this.path)
    if (owner === null) return false // vanished meanwhile: let the caller retry
    if (!(await this.#isStale(owner.raw, owner.owner))) return false
    // Break the stale lock: move it aside under our own name, then check that what we moved is
    // what we judged stale (another process may have broken and retaken it meanwhile).
    const aside = `${this.path}.${this.id}.stale`
    try {
      await rename(this.path, aside)
    } catch {
      return false
    }
    const moved = await readFile(aside, 'utf8').catch(() => '')
    if (moved !== owner.raw) await link(aside, this.path).catch(() => undefined)
    await unlink(aside).catch(() => undefined)
    return moved === owner.raw && (await this.#create()) === 'held'
  }

  /** True when another live (not stale) owner holds the lock; never takes it. */
  async heldByOther(): Promise<boolean> {
    if (this.#held) return false
    const owner = await readOwner(this.path)
    if (owner === null || owner.owner?.id === this.id) return false
    return !(await this.#isStale(owner.raw, owner.owner))
  }

  /** Waits up to `timeoutMs` for the lock. */
  async acquire(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      if (await this.tryAcquire()) return true
      if (this.#unavailable || Date.now() + delay > deadline) return false
      await new Promise((r) => setTimeout(r, delay))
    }
  }

  /** Rewrites the lock (fresh mtime) if it is still ours; false when it was lost. */
  async refresh(): Promise<boolean> {
    if (!this.#held) return false
    const owner = await readOwner(this.path)
    if (owner?.owner?.id !== this.id) {
      this.#lost()
      return false
    }
    const temp = join(dirname(this.path), `.lock.${this.id}.${randomBytes(3).toString('hex')}.tmp`)
    try {
      await writeFile(temp, this.#content(), { mode: 0o600 })
      await rename(temp, this.path)
      return true
    } catch {
      await unlink(temp).catch(() => undefined)
      return true // could not refresh, but still ours
    }
  }

  /** Releases the lock if it is still ours. */
  async release(): Promise<void> {
    if (!this.#held) return
    this.#lost()
    const owner = await readOwner(this.path)
    if (owner?.owner?.id === this.id) await unlink(this.path).catch(() => undefined)
  }

  #lost(): void {
    this.#held = false
    liveIds.delete(this.id)
  }

  #content(): string {
    const owner: LockOwner = { pid: process.pid, host: hostname(), id: this.id, at: Date.now() }
    return `${JSON.stringify(owner)}\n`
  }

  async #create(): Promise<'held' | 'exists' | 'error'> {
    const temp = join(dirname(this.path), `.lock.${this.id}.${randomBytes(3).toString('hex')}.tmp`)
    try {
      const handle = await open(temp, 'wx', 0o600)
      try {
        await handle.writeFile(this.#content())
      } finally {
        await handle.close()
      }
      await link(temp, this.path)
      this.#held = true
      liveIds.add(this.id)
      return 'held'
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EEXIST' ? 'exists' : 'error'
    } finally {
      await unlink(temp).catch(() => undefined)
    }
  }

  async #isStale(raw: string, owner: LockOwner | undefined): Promise<boolean> {
    const info = await stat(this.path).catch(() => undefined)
    if (info === undefined) return false
    if (Date.now() - info.mtimeMs > this.staleMs) return true
    if (owner === undefined) return raw === '' && Date.now() - info.mtimeMs > 1000
    if (owner.host !== hostname()) return false
    if (owner.pid === process.pid) return !liveIds.has(owner.id)
    return !isAlive(owner.pid)
  }
}

async function readOwner(
  path: string,
): Promise<{ raw: string; owner: LockOwner | undefined } | null> {
  let raw: string
  try {
    raw = await readFile(path, 'utf8')
  } catch {
    return null
  }
  try {
    const o = JSON.parse(raw) as LockOwner
    const ok = typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.id === 'string'
    return { raw, owner: ok ? o : undefined }
  } catch {
    return { raw, owner: undefined }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
