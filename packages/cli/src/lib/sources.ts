import { readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { InvalidKeyError, KeySet, LicenseError, type Jwks } from '@tollgate/license-client'
import type { CliContext } from '../context.js'
import { CliError } from '../errors.js'
import type { GlobalOptions } from '../commands/types.js'
import { resolveConnection } from './config.js'
import { ApiClient } from './http.js'
import { DEFAULT_TIMEOUT_MS } from './session.js'

const TOKEN_START = /^[A-Z][A-Z0-9_]{0,15}-/

/** Reads a file the user named, with an error that says which file. */
export function readUserFile(path: string, ctx: CliContext, what: string): string {
  try {
    return readFileSync(resolve(ctx.cwd, path), 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    throw new CliError(
      code === 'ENOENT' ? 'USAGE' : 'FILE_ERROR',
      `Cannot read ${what} ${path} (${code ?? 'error'})`,
      {
        cause,
      },
    )
  }
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The license key from an argument: `-` (stdin), a file holding the key, or the key itself. */
export async function readLicenseArg(
  arg: string,
  ctx: CliContext,
): Promise<{ token: string; source: string }> {
  if (arg === '-') return { token: (await ctx.readStdin()).trim(), source: 'stdin' }
  const path = resolve(ctx.cwd, arg)
  if (isFile(path)) return { token: readUserFile(arg, ctx, 'license file').trim(), source: path }
  if (TOKEN_START.test(arg)) return { token: arg.trim(), source: 'argument' }
  throw new CliError('USAGE', `"${arg.slice(0, 40)}" is neither a file nor a license key`, {
    hint: 'Pass the key itself (TG1-…), a file containing it, or - for stdin',
  })
}

/**
 * The verification keys: `--jwks <file|url>`, else the profile's server
 * `/.well-known/jwks.json` (no API key needed).
 */
export async function loadKeySet(
  jwks: string | undefined,
  input: GlobalOptions,
  ctx: CliContext,
  /** The tenant (`iss`) whose keys to fetch from the profile server; default its bootstrap tenant. */
  tenant?: string,
): Promise<{ keys: KeySet; source: string }> {
  let doc: unknown
  let source: string
  if (jwks !== undefined && !/^https?:\/\//.test(jwks)) {
    source = resolve(ctx.cwd, jwks)
    doc = parseJson(readUserFile(jwks, ctx, 'JWKS file'), source)
  } else {
    let base: string
    let path = `/.well-known/jwks.json${tenant ? `?tenant=${encodeURIComponent(tenant)}` : ''}`
    if (jwks !== undefined) {
      const u = new URL(jwks)
      base = u.origin
      path = u.pathname + u.search
    } else {
      try {
        base = (await resolveConnection({ profile: input.profile, url: input.url }, ctx)).url
      } catch (err) {
        if (err instanceof CliError && err.code === 'NOT_LOGGED_IN') {
          throw new CliError('USAGE', 'No keys to verify against', {
            hint: 'Pass --jwks <file|url>, or log in to a server (tollgate login) to use its JWKS',
          })
        }
        throw err
      }
    }
    source = base + path
    const client = new ApiClient({
      baseUrl: base,
      timeoutMs: input.timeout ?? DEFAULT_TIMEOUT_MS,
      dispatcher: ctx.dispatcher,
    })
    // Say that this check goes online, and how to keep it offline.
    if (jwks === undefined && input.json !== true) {
      ctx.stderr.write(
        `Fetching the verification keys online from ${source} (to verify offline, pass --jwks <file>)\n`,
      )
    }
    try {
      doc = await client.json('GET', path, { auth: false })
    } catch (err) {
      if (!(err instanceof CliError) || err.code === 'USAGE') throw err
      throw new CliError(
        err.code,
        `Could not fetch the verification keys from ${source}: ${err.message}`,
        {
          cause: err,
          hint: `To verify offline, pass --jwks <file> (a copy of ${base}/.well-known/jwks.json saved while online)`,
          ...(err.status === undefined ? {} : { status: err.status }),
          ...(err.serverCode === undefined ? {} : { serverCode: err.serverCode }),
        },
      )
    }
  }
  try {
    return { keys: KeySet.from(doc as Jwks), source }
  } catch (cause) {
    const why =
      cause instanceof LicenseError || cause instanceof InvalidKeyError
        ? cause.message
        : String(cause)
    throw new CliError('JWKS_INVALID', `${source} is not a usable JWKS: ${why}`, { cause })
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new CliError('JWKS_INVALID', `${source} is not JSON`, { cause })
  }
}

/**
 * The JWS of a revocation list file: the raw JWS (`revocations export`) or the JSON answer of
 * `GET /v1/revocations` (`{ "list": "<jws>" }`).
 */
export function revocationJws(text: string): string {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{')) return trimmed
  try {
    const doc = JSON.parse(trimmed) as { list?: unknown }
    if (typeof doc.list === 'string') return doc.list.trim()
  } catch {
    // fall through: not JSON, let the verifier say what is wrong
  }
  return trimmed
}

/**
 * The `iss` of a compact JWS payload, read WITHOUT verifying: only to pick which tenant's JWKS
 * to fetch; the signature is then checked against that JWKS.
 */
export function unverifiedIssuer(jws: string): string | undefined {
  try {
    const payload = jws.trim().split('.')[1] ?? ''
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      iss?: unknown
    }
    return typeof claims.iss === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(claims.iss)
      ? claims.iss
      : undefined
  } catch {
    return undefined
  }
}
