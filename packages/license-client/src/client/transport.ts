import { Agent, request } from 'undici'
import { NetworkError } from '../errors.js'

/** Largest response accepted (a revocation list can be a few MB); more is refused as garbage. */
const MAX_BODY_BYTES = 8 * 1024 * 1024

/**
 * JSON over HTTP to the license server, through undici. Every call has a hard timeout (connect,
 * headers, body and an overall abort), a size cap, and `Connection: close` so no idle socket
 * keeps the host process alive between heartbeats. Every failure is a {@link NetworkError}.
 */
export class Transport {
  readonly #base: string
  readonly #timeoutMs: number
  readonly #agent: Agent
  readonly #closing = new AbortController()

  constructor(serverUrl: string, timeoutMs: number) {
    this.#base = serverUrl.replace(/\/+$/, '')
    this.#timeoutMs = timeoutMs
    this.#agent = new Agent({
      connect: { timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
  }

  /** POSTs a JSON body; resolves with the parsed JSON of a 2xx answer. */
  post(path: string, body: unknown): Promise<unknown> {
    return this.#call('POST', path, JSON.stringify(body))
  }

  /** GETs JSON. */
  get(path: string): Promise<unknown> {
    return this.#call('GET', path, undefined)
  }

  /**
   * GETs JSON with `If-None-Match`, reporting a 304 as such, with a size cap of `maxBytes`
   * (revocation lists: up to the codec's limit, not the 8 MB of other answers).
   */
  async getConditional(
    path: string,
    etag: string | undefined,
    maxBytes: number,
  ): Promise<{ status: 304 } | { status: 200; body: unknown; etag: string | undefined }> {
    let etagOut: string | undefined
    let notModified = false
    const body = await this.#call('GET', path, undefined, {
      maxBytes,
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
    await this.#agent.destroy().catch(() => undefined)
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    extra: {
      maxBytes?: number
      headers?: Record<string, string>
      onHead?: (status: number, headers: Record<string, string | string[] | undefined>) => void
    } = {},
  ): Promise<unknown> {
    const url = `${this.#base}${path}`
    let status: number
    let text: string
    try {
      const res = await request(url, {
        method,
        dispatcher: this.#agent,
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
      extra.onHead?.(status, res.headers)
      text = await readCapped(res.body, extra.maxBytes ?? MAX_BODY_BYTES)
    } catch (cause) {
      if (cause instanceof NetworkError) throw cause
      throw new NetworkError(`${method} ${path} failed: ${describe(cause)}`, { cause })
    }
    // A conditional request's 304 has no body: the caller learnt it through onHead.
    if (status === 304 && extra.onHead !== undefined) return undefined
    const json = parseJson(text)
    if (status < 200 || status >= 300) {
      const err = json as { code?: unknown; error?: unknown } | undefined
      const serverCode = typeof err?.code === 'string' ? err.code.slice(0, 64) : undefined
      throw new NetworkError(
        `${method} ${path} answered ${status}${serverCode ? ` ${serverCode}` : ''}`,
        {
          status,
          ...(serverCode ? { serverCode } : {}),
        },
      )
    }
    if (json === undefined) {
      throw new NetworkError(`${method} ${path} answered ${status} with a body that is not JSON`, {
        status,
      })
    }
    return json
  }
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  maxBytes: number,
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > maxBytes) {
      body.destroy()
      throw new NetworkError(`Response larger than ${maxBytes} bytes`)
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
