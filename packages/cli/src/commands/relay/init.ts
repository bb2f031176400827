import { resolve } from 'node:path'
import { loadRelayIdentity, relayRequestOf } from '@tollgate/license-client'
import type { CliContext } from '../../context.js'
import { writeFileAtomic } from '../../lib/atomic-write.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link relayInit}. */
export interface RelayInitInput extends GlobalOptions {
  /** The relay's data dir (RELAY_DATA_DIR): the key goes here, 0600. */
  dataDir: string
  /** Where to write the relay request for the vendor. */
  out: string
}

/**
 * Prepares an air-gapped relay: creates its Ed25519 key once in the data dir (0600, in a 0700
 * dir; kept when it exists) and writes the relay request (public key + this machine's hashed
 * fingerprint) to hand to the vendor, who answers with a pool file. Runs on the relay machine,
 * offline; talks to no server.
 *
 * @example
 * ```ts
 * await relayInit({ dataDir: '/var/lib/tollgate-relay', out: 'relay-req.json' }, ctx)
 * ```
 */
export async function relayInit(input: RelayInitInput, ctx: CliContext): Promise<CommandResult> {
  const dataDir = resolve(ctx.cwd, input.dataDir)
  const identity = (await loadRelayIdentity(dataDir, true))!
  const request = await relayRequestOf(identity)
  const path = resolve(ctx.cwd, input.out)
  await writeFileAtomic(path, `${JSON.stringify(request, null, 2)}\n`, 0o600)
  const data = {
    file: path,
    dataDir,
    relayKid: identity.publicKey.kid,
    machineId: request.machineId,
    hostname: request.hostname,
  }
  return {
    data,
    blocks: [
      {
        type: 'text',
        text: `Wrote the relay request to ${path}: send it to the vendor (it holds no secret).`,
      },
      { type: 'record', record: data },
    ],
  }
}

export const relayInitCommand = defineCommand<RelayInitInput>({
  path: ['relay', 'init'],
  summary: 'Create an air-gapped relay key (once) and write its relay request for the vendor',
  options: (cmd) =>
    cmd
      .requiredOption('--data-dir <dir>', "the relay's data dir (RELAY_DATA_DIR)")
      .requiredOption('--out <file>', 'where to write the relay request (relay-req.json)'),
  examples: ['tollgate relay init --data-dir /var/lib/tollgate-relay --out relay-req.json'],
  run: relayInit,
})
