import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, rename, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { StorageError } from '../errors.js'
import { readFileStamped } from './read-regular-file.js'

export { readFileStamped, type StampedText } from './read-regular-file.js'

/**
 * Writes a file so that a reader sees either the old or the new content, never a torn mix:
 * write a temp file beside it, fsync it, rename it over the target, then fsync the directory so
 * the rename itself survives a power cut.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(file)
  const temp = join(dir, `.${baseName(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
    await syncDir(dir)
  } catch (cause) {
    await unlink(temp).catch(() => undefined)
    throw new StorageError(file, `Could not write ${file}`, { cause })
  }
}

/** Default read cap of {@link readFileIfExists}. */
export const DEFAULT_MAX_READ_BYTES = 8 * 1024 * 1024

/**
 * Reads a regular file as UTF-8; `undefined` when it does not exist, StorageError for other
 * failures, for anything that is not a regular file (a FIFO would block forever, `/dev/zero`
 * never ends) and for files larger than `maxBytes`. Opened non-blocking, then checked on the
 * open handle, so the file cannot be swapped between the check and the read.
 */
export async function readFileIfExists(
  file: string,
  maxBytes = DEFAULT_MAX_READ_BYTES,
): Promise<string | undefined> {
  return (await readFileStamped(file, maxBytes))?.text
}

/**
 * Moves a corrupt file aside (kept for forensics as `<name>.corrupt-<time>`) so it is replaced
 * on the next write and never read again. Best effort: a failure here must not be fatal.
 */
export async function quarantineFile(file: string): Promise<string | undefined> {
  const target = `${file}.corrupt-${Date.now()}`
  try {
    await rename(file, target)
    return target
  } catch {
    await unlink(file).catch(() => undefined)
    return undefined
  }
}

/**
 * JSON with a SHA-256 over the payload, so a truncated or bit-flipped file is told apart from a
 * valid one. (Not a security boundary: anyone who can write the file can recompute the hash;
 * tamper resistance comes from the signed lease and revocation list.)
 */
export function encodeChecked(data: unknown): string {
  const body = JSON.stringify(data)
  return `${JSON.stringify({ v: 1, sha256: sha256(body), data: JSON.parse(body) as unknown })}\n`
}

/** Parses {@link encodeChecked} output; `undefined` when truncated, not JSON, or the hash fails. */
export function decodeChecked(text: string): unknown {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { v, sha256: hash, data } = parsed as { v?: unknown; sha256?: unknown; data?: unknown }
  if (v !== 1 || typeof hash !== 'string' || data === undefined) return undefined
  return sha256(JSON.stringify(data)) === hash ? data : undefined
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'))
  return file.slice(i + 1)
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync is what makes the rename durable on POSIX; Windows cannot open a
  // directory this way, and there the rename is already as durable as the platform allows.
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    /* unsupported on this platform */
  }
}
