import { resolve } from 'node:path'
import { ActivationRequestInvalidError, parseActivationRequest } from '@tollgate/license-client'
import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { writeFileAtomic } from '../../lib/atomic-write.js'
import { positiveInt } from '../../lib/parsers.js'
import { apiClient, seg } from '../../lib/session.js'
import { readUserFile } from '../../lib/sources.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link activationCreate}. */
export interface ActivationCreateInput extends GlobalOptions {
  /** The activation request file the client SDK wrote on the air-gapped machine. */
  request: string
  /** Where to write the machine file. */
  out: string
  validDays?: number
  /** `--no-revocations` sets false: no embedded revocation checkpoint. */
  revocations?: boolean
}

interface Answer {
  machineFile: string
  created: boolean
  revocationsEmbedded: boolean
  activation: { id: string; licenseId: string; deploymentId: string; expiresAt: string }
  seats: { used: number; max: number }
}

/**
 * Turns an air-gapped machine's activation request into its signed machine file
 * (`POST /v1/admin/licenses/:id/offline-activations`; the license id comes from the request)
 * and writes it (0600). Takes a seat of the license like an online activation.
 *
 * @example
 * ```ts
 * await activationCreate({ request: 'req.json', out: 'machine.lic' }, ctx)
 * ```
 */
export async function activationCreate(
  input: ActivationCreateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const text = readUserFile(input.request, ctx, 'activation request')
  let licenseId: string
  try {
    licenseId = parseActivationRequest(text).licenseId
  } catch (cause) {
    const why = cause instanceof ActivationRequestInvalidError ? cause.message : String(cause)
    throw new CliError('USAGE', `${input.request}: ${why}`, {
      cause,
      hint: 'Use the request file the application wrote on the machine, unchanged',
    })
  }
  const res = await (
    await apiClient(input, ctx)
  ).post<Answer>(`/v1/admin/licenses/${seg(licenseId)}/offline-activations`, {
    request: text,
    ...(input.validDays === undefined ? {} : { validDays: input.validDays }),
    ...(input.revocations === false ? { includeRevocations: false } : {}),
  })
  const path = resolve(ctx.cwd, input.out)
  await writeFileAtomic(path, `${res.machineFile}\n`, 0o600)
  const data = {
    file: path,
    activationId: res.activation.id,
    licenseId: res.activation.licenseId,
    deploymentId: res.activation.deploymentId,
    expiresAt: res.activation.expiresAt,
    created: res.created,
    revocationsEmbedded: res.revocationsEmbedded,
    seats: `${res.seats.used}/${res.seats.max === 0 ? 'unlimited' : res.seats.max}`,
  }
  return {
    data,
    blocks: [
      {
        type: 'text',
        text: `Wrote the machine file to ${path}${res.created ? '' : ' (the same activation, signed again)'}.`,
      },
      { type: 'record', record: data },
    ],
  }
}

export const activationCreateCommand = defineCommand<ActivationCreateInput>({
  path: ['activation', 'create'],
  summary: "Sign an air-gapped machine's activation request into its machine file",
  options: (cmd) =>
    cmd
      .requiredOption('--request <file>', 'activation request (JSON) written on the machine')
      .requiredOption('--out <file>', 'where to write the machine file')
      .option(
        '--valid-days <n>',
        'validity in days (default 365, never past the license expiry)',
        positiveInt,
      )
      .option('--no-revocations', 'do not embed the revocation list checkpoint'),
  examples: [
    'tollgate activation create --request req.json --out machine.lic',
    'tollgate activation create --request /media/usb/req.json --out /media/usb/machine.lic --valid-days 90 --json',
  ],
  run: activationCreate,
})
