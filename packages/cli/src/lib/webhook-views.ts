import type { CommandResult } from '../commands/types.js'

/** `{ endpoint, secret }` answers (create, rotate-secret): the record, then the secret once. */
export function endpointWithSecret(
  res: { endpoint: Record<string, unknown>; secret: string },
  verb: string,
): CommandResult {
  return {
    data: res,
    blocks: [
      { type: 'record', record: res.endpoint },
      {
        type: 'text',
        text: `Signing secret (${verb}; shown once, store it with your receiver):\n${res.secret}`,
      },
    ],
  }
}
