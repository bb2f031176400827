import { request, type Dispatcher } from 'undici'
import { CliError } from '../errors.js'
import { hintFor } from './hints.js'
import { schemaErrorSentence } from './schema-errors.js'

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  baseUrl: string
  apiKey?: string | undefined
  /** Whole-request timeout (connect, headers and body), in ms. */
  timeoutMs: number
  dispatcher?: Dispatcher | undefined
}

type Query = Record<string, string | number | boolean | undefined | null>

/** Options of one request. */
export interface RequestOptions {
  query?: Query
  body?: unknown
  /** Send the admin API key (default true). */
  auth?: boolean
  /** Extra request headers (e.g. `idempotency-key`). */
  headers?: Record<string, string>
}

const NETWORK_HINT =
  'Is the server running and the URL right? Check --url, TOLLGATE_URL or `tollgate login`'

/**
 * A thin JSON client of the license server over undici, with a timeout on every request and
 * server errors (`{ error, code, status }`) turned into a {@link CliError} shown as they are.
 */
export class ApiClient {
  readonly baseUrl: string
  readonly #apiKey: string | undefined
  readonly #timeoutMs: number
  readonly #dispatcher: Dispatcher | undefined

  constructor(opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '')
    this.#apiKey = opts.apiKey
    this.#timeoutMs = opts.timeoutMs
    this.#dispatcher = opts.dispatcher
  }

  /** What {@link streamRequest} needs to make its own request with this client's settings. */
  streamOptions(): { apiKey: string | undefined; timeoutMs: number; dispatcher?: Dispatcher } {
    return {
      apiKey: this.#apiKey,
      timeoutMs: this.#timeoutMs,
      ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
    }
  }

  /** GET a JSON document. */
  get<T>(path: string, query?: Query, auth = true): Promise<T> {
    return this.json<T>('GET', path, { ...(query ? { query } : {}), auth })
  }

  /** POST a JSON body, answer the JSON document; `idempotencyKey` makes a retry safe. */
  post<T>(path: string, body: unknown = {}, opts: { idempotencyKey?: string } = {}): Promise<T> {
    return this.json<T>('POST', path, {
      body,
      ...(opts.idempotencyKey ? { headers: { 'idempotency-key': opts.idempotencyKey } } : {}),
    })
  }

  /** Any method, JSON in and out. */
  async json<T>(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: RequestOptions = {},
  ): Promise<T> {
    const text = await this.text(method, path, opts)
    if (text === '') return undefined as T
    try {
      return JSON.parse(text) as T
    } catch (cause) {
      throw new CliError('BAD_RESPONSE', `${method} ${path}: the server answered non-JSON`, {
        cause,
        hint: NETWORK_HINT,
      })
    }
  }

  /** Any method; answers the body as text (for raw JWS documents). */
  async text(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: RequestOptions = {},
  ): Promise<string> {
    const url = new URL(this.baseUrl + path)
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v))
    }
    const headers: Record<string, string> = {
      ...opts.headers,
      accept: 'application/json, text/plain',
    }
    if (opts.auth !== false) {
      if (!this.#apiKey) {
        throw new CliError('NOT_LOGGED_IN', 'No admin API key configured', {
          hint: 'Run `tollgate login` or set TOLLGATE_API_KEY',
        })
      }
      headers.authorization = `Bearer ${this.#apiKey}`
    }
    let body: string | undefined
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body)
      headers['content-type'] = 'application/json'
    }
    let res: Dispatcher.ResponseData
    let text: string
    try {
      res = await request(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
      })
      text = await res.body.text()
    } catch (cause) {
      throw networkError(cause, this.baseUrl, this.#timeoutMs)
    }
    if (res.statusCode >= 400)
      throw httpError(`${method} ${path}`, res.statusCode, text, res.headers)
    return text
  }
}

/**
 * A streamed exchange (tenant export / import): no whole-request deadline, since a large tenant
 * takes as long as it takes, but the timeout bounds the wait for headers and every pause between
 * body chunks. `sink` receives a 200 body; an error answer throws like {@link ApiClient.text}.
 */
export async function streamRequest(
  client: ApiClient,
  opts: {
    method: Dispatcher.HttpMethod
    path: string
    body: string | NodeJS.ReadableStream
    contentType: string
    headers?: Record<string, string>
    sink?: (chunk: Buffer) => void | Promise<void>
  },
): Promise<string> {
  const { apiKey, timeoutMs, dispatcher } = client.streamOptions()
  if (!apiKey) {
    throw new CliError('NOT_LOGGED_IN', 'No admin API key configured', {
      hint: 'Run `tollgate login` or set TOLLGATE_API_KEY',
    })
  }
  const what = `${opts.method} ${opts.path}`
  try {
    const res = await request(new URL(client.baseUrl + opts.path), {
      method: opts.method,
      headers: {
        ...opts.headers,
        authorization: `Bearer ${apiKey}`,
        'content-type': opts.contentType,
        accept: 'application/json, application/x-ndjson',
      },
      body: opts.body as string,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(dispatcher ? { dispatcher } : {}),
    })
    if (res.statusCode >= 400 || !opts.sink) {
      const text = await res.body.text()
      if (res.statusCode >= 400) throw httpError(what, res.statusCode, text, res.headers)
      return text
    }
    for await (const chunk of res.body) await opts.sink(chunk as Buffer)
    return ''
  } catch (cause) {
    if (cause instanceof CliError) throw cause
    throw networkError(cause, client.baseUrl, timeoutMs)
  }
}

function networkError(cause: unknown, baseUrl: string, timeoutMs: number): CliError {
  const err = cause as { name?: string; code?: string; message?: string; cause?: { code?: string } }
  const code = err.code ?? err.cause?.code
  if (
    err.name === 'TimeoutError' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return new CliError(
      'TIMEOUT',
      `The server at ${baseUrl} did not answer within ${timeoutMs} ms`,
      {
        cause,
        hint: 'Retry, or raise the limit with --timeout <ms>',
      },
    )
  }
  const why = code ?? err.message ?? 'unknown error'
  return new CliError('NETWORK_ERROR', `Cannot reach the server at ${baseUrl} (${why})`, {
    cause,
    hint: NETWORK_HINT,
  })
}

function httpError(
  what: string,
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
): CliError {
  let body: { error?: unknown; code?: unknown } | undefined
  try {
    body = JSON.parse(text) as typeof body
  } catch {
    body = undefined
  }
  const serverCode = typeof body?.code === 'string' ? body.code : undefined
  const message =
    typeof body?.error === 'string'
      ? ((serverCode === 'VALIDATION_FAILED' ? schemaErrorSentence(body.error) : undefined) ??
        body.error)
      : `${what} failed${text ? `: ${text.slice(0, 200)}` : ''}`
  const retryAfter = headers['retry-after']
  return new CliError('HTTP_ERROR', message, {
    status,
    ...(serverCode === undefined ? {} : { serverCode }),
    ...(() => {
      const hint = hintFor(
        serverCode,
        status,
        typeof retryAfter === 'string' ? retryAfter : undefined,
      )
      return hint === undefined ? {} : { hint }
    })(),
  })
}
