import type { CliContext } from '../context.js'
import type { GlobalOptions } from '../commands/types.js'
import { apiClient, seg } from './session.js'

type Obj = Record<string, unknown>

/** POSTs a lifecycle action (`suspend`, `revoke`, …) and answers the updated license. */
export async function licenseAction(
  input: GlobalOptions & { id: string },
  ctx: CliContext,
  action: string,
  body: Obj = {},
): Promise<Obj> {
  const res = await (
    await apiClient(input, ctx)
  ).post<Obj>(`/v1/admin/licenses/${seg(input.id)}/${action}`, body)
  // Accept `{ license }` as well as the bare license object.
  const inner = res?.license
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Obj) : res
}
