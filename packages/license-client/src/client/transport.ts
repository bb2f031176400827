import { Agent, request } from 'undici'
import { NetworkError } from '../errors.js'

/**
 * Largest answer accepted per endpoint: a heartbeat answer is ~1 KB, so a multi-MB answer there
 * is garbage and would stall the host's event loop while parsed. A revocation list can be a
 * few MB.
 */
export const RESPONSE_CAPS = {
  checkIn: 64 * 1024,
  small: 16 * 1024,
  jwks: 1024 * 1024,
  revocations: 8 * 1024 * 1024,
} as const

/** Longest `Retry-After` honoured, seconds (a day: a broken proxy cannot silence us for longer). */
const MAX_RETRY_AFTER_S = 86_400

/**
 * JSON over HTTP to the license server, through undici. Every call has a hard timeout (connect,
 * headers, body and an overall abort), a size cap, and `Connection: close` so no idle socket
 * keeps the host process alive between heartbeats. Every failure is a {@link NetworkError}.
 */
export class Transport {
  readonly #base: string
  readonly #timeoutMs: number
  /** Made at the first call: a client that stays offline never builds one (cold start). */
  #agent: Agent | undefined
  readonly #closing = new AbortController()

  constructor(serverUrl: string, timeoutMs: number) {
    this.#base = serverUrl.replace(/\/+$/, '')
    this.#timeoutMs = timeoutMs
  }

  #dispatcher(): Agent {
    return (this.#agent ??= new Agent({
      connect: { timeout: this.#timeoutMs },
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    }))
  }

  /** POSTs a JSON body; resolves with the parsed JSON of a 2xx answer of at most `capBytes`. */
  post(path: string, body: unknown, capBytes: number = RESPONSE_CAPS.small): Promise<unknown> {
    return this.#call('POST', path, JSON.stringify(body), capBytes)
  }

  /** GETs JSON (at most `capBytes`). */
  get(path: string, capBytes: number = RESPONSE_CAPS.small): Promise<unknown> {
    return this.#call('GET', path, undefined, capBytes)
  }

  /**
   * GETs JSON with `If-None-Match`, reporting a 304 as such, with a size cap of `maxBytes`
   * (revocation lists: up to the codec's limit, not the cap of other answers).
   */
  async getConditional(
    path: string,
    etag: string | undefined,
    maxBytes: number,
  ): Promise<{ status: 304 } | { status: 200; body: unknown; etag: string | undefined }> {
    let etagOut: string | undefined
    let notModified = false
    const body = await this.#call('GET', path, undefined, maxBytes, {
      headers: etag === undefined ? {} : { 'if-none-match': etag },
      onHead: (status, headers) => {
        notModified = status === 304
        const e = headers.etag
        etagOut = typeof e === 'string' && e.length <= 200 ? e : undefined
      },
    })
    return notModified ? { status: 304 } : { status: 200, body, etag: etagOut }
  }

  /** Aborts calls in flight and releases sockets. */
  async close(): Promise<void> {
    this.#closing.abort()
    await this.#agent?.destroy().catch(() => undefined)
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    capBytes: number,
    extra: {
      headers?: Record<string, string>
      onHead?: (status: number, headers: Record<string, string | string[] | undefined>) => void
    } = {},
  ): Promise<unknown> {
    const url = `${this.#base}${path}`
    // Closed: no agent is made again (it would outlive close()).
    if (this.#closing.signal.aborted) throw new NetworkError(`${method} ${url} failed: closed`)
    let status: number
    let text: string
    let retryAfterS: number | undefined
    try {
      const res = await request(url, {
        method,
        dispatcher: this.#dispatcher(),
        reset: true,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...extra.headers,
        },
        body,
        signal: AbortSignal.any([this.#closing.signal, AbortSignal.timeout(this.#timeoutMs)]),
      })
      status = res.statusCode
      retryAfterS = parseRetryAfter(res.headers['retry-after'])
      extra.onHead?.(status, res.headers)
      const length = Number(res.headers['content-length'])
      if (Number.isFinite(length) && length > capBytes) {
        res.body.destroy()
        throw new NetworkError(`${method} ${url}: answer of ${length} bytes, over ${capBytes}`, {
          status,
        })
      }
      text = await readCapped(res.body, capBytes, `${method} ${url}`)
    } catch (cause) {
      if (cause instanceof NetworkError) throw cause
      throw new NetworkError(`${method} ${url} failed: ${describe(cause)}`, { cause })
    }
    // A conditional request's 304 has no body: the caller learnt it through onHead.
    if (status === 304 && extra.onHead !== undefined) return undefined
    const json = parseJson(text)
    if (status < 200 || status >= 300) {
      const err = json as { code?: unknown; error?: unknown } | undefined
      const serverCode = typeof err?.code === 'string' ? err.code.slice(0, 64) : undefined
      throw new NetworkError(
        `${method} ${url} answered ${status}${serverCode ? ` ${serverCode}` : ''}`,
        {
          status,
          ...(serverCode ? { serverCode } : {}),
          ...(retryAfterS === undefined ? {} : { retryAfterS }),
        },
      )
    }
    if (json === undefined) {
      throw new NetworkError(`${method} ${url} answered ${status} with a body that is not JSON`, {
        status,
      })
    }
    return json
  }
}

/** `Retry-After` in seconds (delta or HTTP date), bounded; undefined when absent or unusable. */
function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined || v.trim() === '') return undefined
  const seconds = /^\d+$/.test(v.trim()) ? Number(v) : (Date.parse(v) - Date.now()) / 1000
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined
  return Math.min(Math.ceil(seconds), MAX_RETRY_AFTER_S)
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  capBytes: number,
  what: string,
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > capBytes) {
      body.destroy()
      throw new NetworkError(`${what}: answer larger than ${capBytes} bytes`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code
    return code
      ? `${err.name} ${code}`
      : err.name === 'Error'
        ? err.message.slice(0, 120)
        : err.name
  }
  return 'unknown error'
}
