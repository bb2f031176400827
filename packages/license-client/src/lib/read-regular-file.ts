import { close, constants, fstat, open, read } from 'node:fs'
import { StorageError } from '../errors.js'

/** A file's text and the identity of that content on disk (inode, size, mtime in ns). */
export interface StampedText {
  text: string
  stamp: string
}

/**
 * Reads a regular file as UTF-8 with the stamp (`ino:size:mtimeNs`) of what it read, taken from
 * the open handle. `undefined` when the file does not exist; StorageError for other failures,
 * for anything that is not a regular file (a FIFO would block forever, `/dev/zero` never ends)
 * and for files larger than `maxBytes`. Opened non-blocking, then checked on the open handle, so
 * the file cannot be swapped between the check and the read.
 *
 * Written on the callback API on purpose: it is on every start's path several times over, and
 * one promise per file costs far less than a `FileHandle` promise per step.
 *
 * @example
 * ```ts
 * const read = await readFileStamped('/var/lib/acme/tollgate/lease.jws', 16 * 1024)
 * read?.stamp // '1234:402:1733540000000000000'
 * ```
 */
export function readFileStamped(file: string, maxBytes: number): Promise<StampedText | undefined> {
  const failed = (cause: unknown) => new StorageError(file, `Could not read ${file}`, { cause })
  const tooLarge = () => new StorageError(file, `${file} is larger than ${maxBytes} bytes`)
  return new Promise((resolve, reject) => {
    open(file, constants.O_RDONLY | constants.O_NONBLOCK, (openErr, fd) => {
      if (openErr) {
        if (openErr.code === 'ENOENT') resolve(undefined)
        else reject(failed(openErr))
        return
      }
      const finish = (err: StorageError | undefined, value?: StampedText): void =>
        close(fd, () => (err ? reject(err) : resolve(value)))
      fstat(fd, { bigint: true }, (statErr, info) => {
        if (statErr) return finish(failed(statErr))
        if (!info.isFile()) return finish(new StorageError(file, `${file} is not a regular file`))
        if (info.size > BigInt(maxBytes)) return finish(tooLarge())
        const stamp = `${info.ino}:${info.size}:${info.mtimeNs}`
        // One byte more than stat said: a file that grew meanwhile is noticed against the cap.
        const buf = Buffer.allocUnsafe(Math.min(Number(info.size) + 1, maxBytes + 1))
        let length = 0
        const next = (): void => {
          const want = buf.length - length
          read(fd, buf, length, want, length, (readErr, bytesRead) => {
            if (readErr) return finish(failed(readErr))
            length += bytesRead
            // A short read of a regular file is its end: no extra read just to be told so.
            if (bytesRead < want || length === buf.length) {
              if (length > maxBytes) return finish(tooLarge())
              return finish(undefined, { text: buf.toString('utf8', 0, length), stamp })
            }
            next()
          })
        }
        next()
      })
    })
  })
}
