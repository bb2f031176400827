import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { InvalidArgumentError } from 'commander'
import { exportPem, exportPublicJwk, generateKeyPair } from '@tollgate/license-client'
import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { writeFileAtomic } from '../../lib/atomic-write.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link keysGenerate}. */
export interface KeysGenerateInput extends GlobalOptions {
  kid?: string
  /** Directory to write the files to (default: the working directory). */
  out?: string
  force?: boolean
}

const KID = /^[A-Za-z0-9._-]{1,64}$/

function kidArg(value: string): string {
  if (!KID.test(value)) throw new InvalidArgumentError('Use 1-64 of A-Z a-z 0-9 . _ - for a kid.')
  return value
}

/**
 * Generates an Ed25519 signing key pair locally: `<kid>.private.pem` (PKCS#8, mode 0600),
 * `<kid>.public.pem` (SPKI) and `<kid>.jwks.json` (the public key as a JWKS). Nothing is sent
 * anywhere; the private key is never printed.
 *
 * @example
 * ```ts
 * const { data } = await keysGenerate({ out: '/secure/keys' }, ctx)
 * ```
 */
export async function keysGenerate(
  input: KeysGenerateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const pair = generateKeyPair(input.kid)
  const dir = resolve(ctx.cwd, input.out ?? '.')
  const files = {
    privateKey: resolve(dir, `${pair.kid}.private.pem`),
    publicKey: resolve(dir, `${pair.kid}.public.pem`),
    jwks: resolve(dir, `${pair.kid}.jwks.json`),
  }
  const clash = Object.values(files).filter((f) => existsSync(f))
  if (clash.length && !input.force) {
    throw new CliError('USAGE', `Refusing to overwrite ${clash.join(', ')}`, {
      hint: 'Pick another --kid or --out, or pass --force',
    })
  }
  const publicJwk = exportPublicJwk(pair.publicKey, pair.kid)
  await writeFileAtomic(files.privateKey, exportPem(pair.privateKey), 0o600, 0o700)
  await writeFileAtomic(files.publicKey, exportPem(pair.publicKey))
  await writeFileAtomic(files.jwks, `${JSON.stringify({ keys: [publicJwk] }, null, 2)}\n`)
  const data = { kid: pair.kid, publicJwk, files }
  return {
    data,
    blocks: [
      {
        type: 'record',
        record: {
          kid: pair.kid,
          privateKey: files.privateKey,
          publicKey: files.publicKey,
          jwks: files.jwks,
        },
      },
      { type: 'text', text: 'Keep the private key secret (it was written with mode 0600).' },
    ],
  }
}

export const keysGenerateCommand = defineCommand<KeysGenerateInput>({
  path: ['keys', 'generate'],
  summary: 'Generate a local Ed25519 key pair (PEM + JWKS files)',
  options: (cmd) =>
    cmd
      .option('--kid <kid>', 'key id (default: RFC 7638 thumbprint)', kidArg)
      .option('-o, --out <dir>', 'directory to write the files to', '.')
      .option('--force', 'overwrite existing files'),
  examples: ['tollgate keys generate --out ./keys', 'tollgate keys generate --kid 2026-12 --json'],
  run: keysGenerate,
})
