import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort } from '../../lib/session.js'
import { readUserFile } from '../../lib/sources.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link activationDeactivate}. */
export interface ActivationDeactivateInput extends GlobalOptions {
  /** The deactivation proof file the client wrote. */
  proof: string
  yes?: boolean
}

interface Answer {
  activation: { id: string; licenseId: string; deploymentId: string }
  deactivated: boolean
  seatFreed: boolean
}

/**
 * Frees an air-gapped machine's seat with the deactivation proof its client wrote
 * (`POST /v1/admin/offline-activations/deactivate`). Bringing the same proof twice is harmless.
 *
 * @example
 * ```ts
 * await activationDeactivate({ proof: 'proof.jws' }, ctx)
 * ```
 */
export async function activationDeactivate(
  input: ActivationDeactivateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const proof = readUserFile(input.proof, ctx, 'deactivation proof').trim()
  await confirmOrAbort(input, ctx, `Free the seat of the machine that wrote ${input.proof}?`)
  const res = await (
    await apiClient(input, ctx)
  ).post<Answer>('/v1/admin/offline-activations/deactivate', { proof })
  const data = {
    activationId: res.activation.id,
    licenseId: res.activation.licenseId,
    deploymentId: res.activation.deploymentId,
    deactivated: res.deactivated,
    seatFreed: res.seatFreed,
  }
  const text = res.deactivated
    ? `Deactivated ${res.activation.id}${res.seatFreed ? '; its seat is free' : ''}.`
    : `${res.activation.id} was already deactivated; nothing changed.`
  return {
    data,
    blocks: [
      { type: 'text', text },
      { type: 'record', record: data },
    ],
  }
}

export const activationDeactivateCommand = defineCommand<ActivationDeactivateInput>({
  path: ['activation', 'deactivate'],
  summary: "Free an air-gapped machine's seat with its deactivation proof",
  options: (cmd) =>
    cmd.requiredOption('--proof <file>', 'deactivation proof written on the machine'),
  examples: [
    'tollgate activation deactivate --proof proof.jws --yes',
    'tollgate activation deactivate --proof /media/usb/proof.jws --yes --json',
  ],
  destructive: true,
  run: activationDeactivate,
})
