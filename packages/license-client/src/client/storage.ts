import { mkdir, readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import {
  decodeChecked,
  encodeChecked,
  quarantineFile,
  readFileStamped,
  writeFileAtomic,
  type StampedText,
} from '../lib/atomic-file.js'
import { LicenseError } from '../errors.js'
import { MAX_REVOCATION_LIST_LENGTH } from '../revocation/types.js'
import type { Logger } from './types.js'

/** The files the client keeps under `storageDir`. */
export const STORE_FILES = {
  deployment: 'deployment.json',
  lease: 'lease.jws',
  clock: 'clock.json',
  usage: 'usage.json',
  revocations: 'revocations.jws',
  revocationsDelta: 'revocations-delta.jws',
  jwks: 'jwks.json',
  stateLock: 'state.lock',
  ownerLock: 'owner.lock',
} as const

/** Largest size read of each file: a FIFO, `/dev/zero` or a huge file never balloons start-up. */
const MAX_BYTES: Record<StoreFile, number> = {
  deployment: 16 * 1024,
  lease: 16 * 1024,
  clock: 16 * 1024,
  usage: 16 * 1024 * 1024,
  // A signed list of a million ids is tens of MB (see MAX_REVOCATION_LIST_LENGTH).
  revocations: MAX_REVOCATION_LIST_LENGTH + 4096,
  revocationsDelta: MAX_REVOCATION_LIST_LENGTH + 4096,
  jwks: 1024 * 1024,
  stateLock: 4096,
  ownerLock: 4096,
}

/** Temp files older than this are left over from a crash and removed at start. */
const ORPHAN_AGE_MS = 60_000

export type StoreFile = keyof typeof STORE_FILES

/** What {@link ClientStore.scan} saw of the storage dir. */
export interface DirScan {
  exists: boolean
  names: ReadonlySet<string>
}

/**
 * The client's persistence. Every write is atomic (temp + fsync + rename) and writes to one file
 * are serialised, so the newest value always lands last. Nothing here throws: a failed read is
 * "absent", a failed write is logged and the client carries on from memory.
 */
export class ClientStore {
  readonly dir: string
  readonly #logger: Logger
  readonly #chains = new Map<StoreFile, Promise<boolean>>()

  constructor(dir: string, logger: Logger) {
    this.dir = dir
    this.#logger = logger
  }

  /** Absolute path of a store file. */
  path(file: StoreFile): string {
    return join(this.dir, STORE_FILES[file])
  }

  /**
   * The names in the storage dir, read once at start so that files that are not there are not
   * opened one by one: `exists: false` when the dir is missing, undefined when it cannot be
   * listed (then every file is simply tried).
   */
  async scan(): Promise<DirScan | undefined> {
    try {
      return { exists: true, names: new Set(await readdir(this.dir)) }
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
      return missing ? { exists: false, names: new Set() } : undefined
    }
  }

  /**
   * Raw text of a file, or undefined when missing or unreadable (logged). With a `scan` of the
   * dir, a file it did not list is missing without a look.
   */
  async readText(file: StoreFile, scan?: DirScan): Promise<string | undefined> {
    return (await this.readStamped(file, scan))?.text
  }

  /** {@link readText} with the stamp of the content read (see {@link stamp}). */
  async readStamped(file: StoreFile, scan?: DirScan): Promise<StampedText | undefined> {
    if (scan !== undefined && !scan.names.has(STORE_FILES[file])) return undefined
    try {
      const read = await readFileStamped(this.path(file), MAX_BYTES[file])
      const text = read?.text.trim()
      return text === undefined || text === '' ? undefined : { text, stamp: read!.stamp }
    } catch (err) {
      this.#warn(err, `Could not read ${STORE_FILES[file]}; continuing without it`)
      return undefined
    }
  }

  /**
   * Reads a checksummed JSON file. A truncated or corrupt file, or one `accept` rejects, is
   * reported, moved aside and treated as absent.
   */
  async readJson<T>(file: StoreFile, accept: (data: unknown) => data is T): Promise<T | undefined> {
    return this.decodeJson(file, await this.readText(file), accept)
  }

  /** The checksummed JSON in `text` (read from `file`); a bad one is set aside as by readJson. */
  async decodeJson<T>(
    file: StoreFile,
    text: string | undefined,
    accept: (data: unknown) => data is T,
  ): Promise<T | undefined> {
    if (text === undefined) return undefined
    const data = decodeChecked(text)
    if (data !== undefined && accept(data)) return data
    await this.discard(file, 'corrupt or truncated')
    return undefined
  }

  /** Writes raw text atomically (queued behind earlier writes to the same file); true when written. */
  writeText(file: StoreFile, text: string): Promise<boolean> {
    return this.#enqueue(file, () => writeFileAtomic(this.path(file), `${text}\n`))
  }

  /** Writes JSON with a checksum atomically; true when it is durably on disk. */
  writeJson(file: StoreFile, data: unknown): Promise<boolean> {
    return this.#enqueue(file, () => writeFileAtomic(this.path(file), encodeChecked(data)))
  }

  /** Identity of a file's current content on disk (inode, size, mtime); '' when absent. */
  async stamp(file: StoreFile): Promise<string> {
    const s = await stat(this.path(file), { bigint: true }).catch(() => undefined)
    return s === undefined ? '' : `${s.ino}:${s.size}:${s.mtimeNs}`
  }

  /** Creates the storage dir (0700) if missing; false (logged) when it cannot be created. */
  async ensureDir(): Promise<boolean> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 })
      return true
    } catch (err) {
      this.#logger.error(
        { code: 'STORAGE_ERROR', dir: this.dir, errno: (err as NodeJS.ErrnoException).code },
        `Cannot create the license storage dir ${this.dir}; running from memory`,
      )
      return false
    }
  }

  /**
   * Removes temp files a crashed process left behind (older than a minute; best effort), from
   * the names of a `scan` when one was taken.
   */
  async cleanOrphans(scan?: DirScan): Promise<number> {
    let removed = 0
    const names = scan?.names ?? (await readdir(this.dir).catch(() => [] as string[]))
    for (const name of names) {
      const temp = name.startsWith('.') && name.endsWith('.tmp')
      if (!temp && !/\.lock\.[0-9a-f]+\.stale$/.test(name)) continue
      const path = join(this.dir, name)
      const info = await stat(path).catch(() => undefined)
      if (!info?.isFile() || Date.now() - info.mtimeMs < ORPHAN_AGE_MS) continue
      if (
        await unlink(path).then(
          () => true,
          () => false,
        )
      )
        removed++
    }
    return removed
  }

  /** Reports a bad file and moves it aside so it is replaced, never read again. */
  async discard(file: StoreFile, why: string): Promise<void> {
    const moved = await quarantineFile(this.path(file))
    this.#logger.warn(
      { code: 'STORAGE_ERROR', file: this.path(file), ...(moved ? { movedTo: moved } : {}) },
      `License storage file ${STORE_FILES[file]} was ${why}; it will be replaced`,
    )
  }

  /** Resolves when every queued write has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.#chains.values()])
  }

  #enqueue(file: StoreFile, write: () => Promise<void>): Promise<boolean> {
    const previous = this.#chains.get(file) ?? Promise.resolve(true)
    const next = previous.then(write).then(
      () => true,
      (err: unknown) => {
        this.#warn(err, `Could not write ${STORE_FILES[file]}; keeping the value in memory`)
        return false
      },
    )
    this.#chains.set(file, next)
    return next
  }

  #warn(err: unknown, message: string): void {
    const cause = err instanceof LicenseError ? (err.cause as NodeJS.ErrnoException) : undefined
    this.#logger.warn(
      { code: 'STORAGE_ERROR', dir: this.dir, errno: cause?.code ?? String(err) },
      message,
    )
  }
}
