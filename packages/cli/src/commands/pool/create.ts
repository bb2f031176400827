import { resolve } from 'node:path'
import { RelayRequestInvalidError, parseRelayRequest } from '@tollgate/license-client'
import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { writeFileAtomic } from '../../lib/atomic-write.js'
import { positiveInt } from '../../lib/parsers.js'
import { apiClient, seg } from '../../lib/session.js'
import { readUserFile } from '../../lib/sources.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link poolCreate}. */
export interface PoolCreateInput extends GlobalOptions {
  license: string
  seats: number
  /** The relay request `tollgate relay init` wrote on the relay. */
  relayRequest: string
  /** Validity in days (default 30, never past the license's expiry). */
  days?: number
  /** Where to write the pool file. */
  out: string
}

interface Answer {
  poolFile: string
  pool: { id: string; seats: number; expiresAt: string; relayKid: string; hostname: string }
  seats: { floating: number; pooled: number; online: number }
}

/**
 * Signs a pool file for an air-gapped relay (`POST /v1/admin/licenses/:id/seat-pools`) and
 * writes it (0600): `seats` of the license's floating seats, handed out on the customer's LAN by
 * the relay that wrote the request, until the pool expires. Renew by running it again with the
 * same request before expiry and sending the new file.
 *
 * @example
 * ```ts
 * await poolCreate({ license: 'lic_1', seats: 5, relayRequest: 'relay-req.json', days: 30, out: 'pool.lic' }, ctx)
 * ```
 */
export async function poolCreate(input: PoolCreateInput, ctx: CliContext): Promise<CommandResult> {
  const text = readUserFile(input.relayRequest, ctx, 'relay request')
  try {
    parseRelayRequest(text)
  } catch (cause) {
    const why = cause instanceof RelayRequestInvalidError ? cause.message : String(cause)
    throw new CliError('USAGE', `${input.relayRequest}: ${why}`, {
      cause,
      hint: 'Use the relay-req.json that `tollgate relay init` wrote on the relay, unchanged',
    })
  }
  const res = await (
    await apiClient(input, ctx)
  ).post<Answer>(`/v1/admin/licenses/${seg(input.license)}/seat-pools`, {
    seats: input.seats,
    request: text,
    ...(input.days === undefined ? {} : { validDays: input.days }),
  })
  const path = resolve(ctx.cwd, input.out)
  await writeFileAtomic(path, `${res.poolFile}\n`, 0o600)
  const data = {
    file: path,
    poolId: res.pool.id,
    licenseId: input.license,
    seats: res.pool.seats,
    relay: `${res.pool.hostname} (${res.pool.relayKid})`,
    expiresAt: res.pool.expiresAt,
    floatingSeats: `${res.seats.pooled} of ${res.seats.floating} in pools, ${res.seats.online} online`,
  }
  return {
    data,
    blocks: [
      { type: 'text', text: `Wrote the pool file to ${path}; give it to the relay's operator.` },
      { type: 'record', record: data },
    ],
  }
}

export const poolCreateCommand = defineCommand<PoolCreateInput>({
  path: ['pool', 'create'],
  summary: "Sign an air-gapped relay's pool file: N floating seats of a license",
  options: (cmd) =>
    cmd
      .requiredOption('--license <id>', 'license whose floating seats the pool takes')
      .requiredOption('--seats <n>', 'seats the relay may hand out', positiveInt)
      .requiredOption('--relay-request <file>', 'relay-req.json written by `tollgate relay init`')
      .option(
        '--days <n>',
        'validity in days (default 30, never past the license expiry)',
        positiveInt,
      )
      .requiredOption('--out <file>', 'where to write the pool file'),
  examples: [
    'tollgate pool create --license lic_123 --seats 5 --relay-request relay-req.json --days 30 --out pool.lic',
  ],
  run: poolCreate,
})
