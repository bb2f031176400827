import type { ServerContext } from '../context.js'
import { ensureSetupLink } from './staff.service.js'

const setupTokens = new WeakMap<ServerContext, string>()

/**
 * At start-up: when the bootstrap tenant has no staff yet, creates the one-time first-owner setup
 * link (`/console/setup/<token>`), for the launcher to print once.
 *
 * @example
 * ```ts
 * await prepareConsoleSetup(app.tollgate)
 * ```
 */
export async function prepareConsoleSetup(ctx: ServerContext): Promise<void> {
  const token = await ctx.db
    .transaction()
    .execute((trx) => ensureSetupLink(trx, ctx.bootstrap.tenantId, ctx.now()))
  if (token) setupTokens.set(ctx, token)
}

/**
 * The path of this start's first-owner setup link, or undefined when an owner exists.
 *
 * @example
 * ```ts
 * const path = consoleSetupPath(app.tollgate) // '/console/setup/...'
 * ```
 */
export function consoleSetupPath(ctx: ServerContext): string | undefined {
  const token = setupTokens.get(ctx)
  return token ? `/console/setup/${token}` : undefined
}
