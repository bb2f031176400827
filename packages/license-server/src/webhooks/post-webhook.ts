import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { performance } from 'node:perf_hooks'
import { BlockedDestinationError, guardedLookup, isPublicAddress } from './ssrf-guard.js'

/** What one HTTP attempt gave. */
export interface PostResult {
  /** Null when no response arrived (refused, timeout, blocked). */
  statusCode: number | null
  latencyMs: number
  /** The first bytes of the response body (the delivery log keeps them). */
  snippet: string | null
  error: string | null
}

/** Bytes of a response body kept in the delivery log. */
export const SNIPPET_BYTES = 1024

/**
 * POSTs one webhook: no redirects followed, one overall timeout, only the first
 * {@link SNIPPET_BYTES} of the answer read. Unless `allowPrivate`, the destination must be
 * https and every address it resolves to public (checked after DNS resolution, see
 * `guardedLookup`). Never throws: failures come back as `error`.
 *
 * @example
 * ```ts
 * const r = await postWebhook('https://hooks.example.com/tollgate', body, headers, { timeoutMs: 10_000, allowPrivate: false })
 * ```
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  const started = performance.now()
  const done = (r: Omit<PostResult, 'latencyMs'>): PostResult => ({
    ...r,
    latencyMs: Math.round(performance.now() - started),
  })
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return Promise.resolve(done({ statusCode: null, snippet: null, error: 'invalid URL' }))
  }
  const problem = destinationProblem(target, opts.allowPrivate)
  if (problem) return Promise.resolve(done({ statusCode: null, snippet: null, error: problem }))
  const client = target.protocol === 'https:' ? https : http
  return new Promise((resolve) => {
    let settled = false
    const finish = (r: Omit<PostResult, 'latencyMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy()
      resolve(done(r))
    }
    const req = client.request(
      target,
      {
        method: 'POST',
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
        ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        const end = () =>
          finish({
            statusCode: res.statusCode ?? null,
            snippet: Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8'),
            error: null,
          })
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          size += chunk.length
          if (size >= SNIPPET_BYTES) end()
        })
        res.on('end', end)
        res.on('error', end)
      },
    )
    const timer = setTimeout(
      () =>
        finish({ statusCode: null, snippet: null, error: `timeout after ${opts.timeoutMs} ms` }),
      opts.timeoutMs,
    )
    req.on('error', (err) =>
      finish({
        statusCode: null,
        snippet: null,
        error:
          err instanceof BlockedDestinationError
            ? `blocked: ${err.message}`
            : `${(err as NodeJS.ErrnoException).code ?? 'error'}: ${err.message}`,
      }),
    )
    req.end(body)
  })
}

/**
 * Why a URL may not receive webhooks before any lookup (scheme, credentials, a literal
 * private address), or null. Registration uses it too, for an early, clear error.
 *
 * @example
 * ```ts
 * destinationProblem(new URL('http://127.0.0.1/hook'), false) // 'webhook URLs must use https'
 * ```
 */
export function destinationProblem(target: URL, allowPrivate: boolean): string | null {
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return 'webhook URLs must use https'
  }
  if (target.username || target.password) return 'webhook URLs may not carry credentials'
  if (allowPrivate) return null
  if (target.protocol !== 'https:') return 'webhook URLs must use https'
  const host = target.hostname.replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return `blocked: ${host} is a loopback name`
  }
  if (isIP(host) && !isPublicAddress(host)) {
    return `blocked: ${host} is a private or reserved address`
  }
  return null
}
