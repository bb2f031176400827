import { StringDecoder } from 'node:string_decoder'
import { AppError } from '../errors/app-error.js'

/**
 * Splits a byte stream into lines (`\n`, a trailing `\r` dropped), decoding UTF-8 across chunk
 * boundaries. A line longer than `maxBytes` throws IMPORT_FORMAT_INVALID, so one endless line
 * cannot grow memory without bound. Blank lines are skipped.
 *
 * @example
 * ```ts
 * for await (const line of ndjsonLines(req.raw, 1 << 20)) handle(JSON.parse(line))
 * ```
 */
export async function* ndjsonLines(
  source: AsyncIterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk)
    let nl = pending.indexOf('\n')
    while (nl !== -1) {
      const line = pending.slice(0, nl).replace(/\r$/, '')
      pending = pending.slice(nl + 1)
      if (line.length > maxBytes) {
        throw new AppError('IMPORT_FORMAT_INVALID', `A line is longer than ${maxBytes} bytes`)
      }
      if (line.trim() !== '') yield line
      nl = pending.indexOf('\n')
    }
    // Characters, not bytes, but a UTF-8 character is at least one byte: this bound holds.
    if (pending.length > maxBytes) {
      throw new AppError('IMPORT_FORMAT_INVALID', `A line is longer than ${maxBytes} bytes`)
    }
  }
  pending += decoder.end()
  if (pending.trim() !== '') yield pending.replace(/\r$/, '')
}
