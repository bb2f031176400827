import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { CliContext } from '../context.js'
import { CliError } from '../errors.js'

/**
 * The passphrase of a tenant export: from `--passphrase-file` (first line), else
 * `TOLLGATE_EXPORT_PASSPHRASE`, else asked on the terminal. Never a flag value: it would land in
 * the shell history and the process list.
 *
 * @example
 * ```ts
 * const passphrase = await exportPassphrase(input.passphraseFile, ctx)
 * ```
 */
export async function exportPassphrase(file: string | undefined, ctx: CliContext): Promise<string> {
  let value: string | undefined
  if (file !== undefined) {
    try {
      value = (await readFile(resolve(ctx.cwd, file), 'utf8')).split(/\r?\n/)[0]
    } catch (cause) {
      throw new CliError('FILE_ERROR', `Could not read ${file}: ${(cause as Error).message}`, {
        cause,
      })
    }
  } else if (ctx.env.TOLLGATE_EXPORT_PASSPHRASE) {
    value = ctx.env.TOLLGATE_EXPORT_PASSPHRASE
  } else if (ctx.isTTY.stdin) {
    value = await ctx.promptSecret('Export passphrase: ')
  }
  if (!value) {
    throw new CliError('USAGE', 'The signing keys need a passphrase', {
      hint: 'Pass --passphrase-file <path> or set TOLLGATE_EXPORT_PASSPHRASE',
    })
  }
  return value
}
