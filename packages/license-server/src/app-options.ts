import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify'
import type { Config } from './config/load-config.js'
import { AppError } from './errors/app-error.js'
import { requestIdOf } from './lib/ids.js'
import { prettyLogStream, usePrettyLog } from './system/pretty-log.js'

/**
 * The Fastify server options of `buildApp`: logger (pino at LOG_LEVEL, secrets redacted),
 * body limit, trusted proxies, request ids and our error body for framework errors.
 *
 * @example
 * ```ts
 * const app = Fastify(fastifyOptions(config, undefined))
 * ```
 */
export function fastifyOptions(
  config: Config,
  logger: FastifyServerOptions['logger'] | undefined,
): FastifyServerOptions {
  return {
    logger: logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body'],
      ...(usePrettyLog(config.logFormat, process.stdout.isTTY)
        ? { stream: prettyLogStream(process.stdout) }
        : {}),
    },
    bodyLimit: config.bodyLimit,
    // A hop count trusts that many proxies nearest to us (proxy-addr semantics); Fastify's own
    // numeric option trusts none. The client is the right-most address no trusted proxy added.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    // X-Request-Id is honoured only when it looks like an id (capped, validated): see requestIdOf.
    requestIdHeader: false,
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    ajv: { customOptions: { removeAdditional: false } },
    // Bad URLs and over-long path parameters get our error body too.
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      const body = new AppError(
        err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'VALIDATION_FAILED' : 'BAD_REQUEST',
        err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long' : 'Malformed URL',
      ).toBody()
      void reply.code(body.status).send(body)
    },
  }
}

/**
 * JSON bodies: an empty body with a JSON content type is "no body", `text/plain` is refused
 * (415), and a missing body validates as `null`.
 *
 * @example
 * ```ts
 * installJsonBodies(app)
 * ```
 */
export function installJsonBodies(app: FastifyInstance): void {
  // An empty body with a JSON content type is "no body" (clients send the header on bare
  // POSTs); schemas then decide whether a body was required.
  const jsonParser = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') {
      done(null, undefined)
      return
    }
    void jsonParser(req, body as string, done)
  })
  // JSON only: a text/plain body is 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain')
  // A missing body validates as null, so "body optional" routes use `Union([Object, Null])`.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined) request.body = null
    done()
  })
}
