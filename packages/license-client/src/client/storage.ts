import { join } from 'node:path'
import {
  decodeChecked,
  encodeChecked,
  quarantineFile,
  readFileIfExists,
  writeFileAtomic,
} from '../lib/atomic-file.js'
import { LicenseError } from '../errors.js'
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
} as const

export type StoreFile = keyof typeof STORE_FILES

/**
 * The client's persistence. Every write is atomic (temp + fsync + rename) and writes to one file
 * are serialised, so the newest value always lands last. Nothing here throws: a failed read is
 * "absent", a failed write is logged and the client carries on from memory.
 */
export class ClientStore {
  readonly dir: string
  readonly #logger: Logger
  readonly #chains = new Map<StoreFile, Promise<void>>()

  constructor(dir: string, logger: Logger) {
    this.dir = dir
    this.#logger = logger
  }

  /** Absolute path of a store file. */
  path(file: StoreFile): string {
    return join(this.dir, STORE_FILES[file])
  }

  /** Raw text of a file, or undefined when missing or unreadable (logged). */
  async readText(file: StoreFile): Promise<string | undefined> {
    try {
      const text = await readFileIfExists(this.path(file))
      return text?.trim() === '' ? undefined : text?.trim()
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
    const text = await this.readText(file)
    if (text === undefined) return undefined
    const data = decodeChecked(text)
    if (data !== undefined && accept(data)) return data
    await this.discard(file, 'corrupt or truncated')
    return undefined
  }

  /** Writes raw text atomically (queued behind earlier writes to the same file). */
  writeText(file: StoreFile, text: string): Promise<void> {
    return this.#enqueue(file, () => writeFileAtomic(this.path(file), `${text}\n`))
  }

  /** Writes JSON with a checksum atomically. */
  writeJson(file: StoreFile, data: unknown): Promise<void> {
    return this.#enqueue(file, () => writeFileAtomic(this.path(file), encodeChecked(data)))
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

  #enqueue(file: StoreFile, write: () => Promise<void>): Promise<void> {
    const previous = this.#chains.get(file) ?? Promise.resolve()
    const next = previous.then(write).catch((err: unknown) => {
      this.#warn(err, `Could not write ${STORE_FILES[file]}; keeping the value in memory`)
    })
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
