import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors/app-error.js'

// NUL (Postgres text and jsonb cannot hold it) and UTF-16 surrogates without their pair (no
// UTF-8 encoding exists for them: Postgres refuses them, or a driver silently turns them into
// U+FFFD, so what is stored is not what was sent).
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Where in a parsed value (strings, object keys, array items, any depth) the first string
 * Postgres cannot store sits, as a JSON-pointer-like path; undefined when there is none.
 * Iterative, so a deeply nested body cannot overflow the stack.
 *
 * @example
 * ```ts
 * findUnstorableText({ name: 'a\u0000b' }) // '/name'
 * ```
 */
export function findUnstorableText(value: unknown, root = ''): string | undefined {
  const stack: [unknown, string][] = [[value, root]]
  while (stack.length > 0) {
    const [v, path] = stack.pop()!
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return path || '/'
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${path}/${i}`])
    } else if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v)) {
      for (const [k, item] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) return `${path}/${k.replace(UNSTORABLE, '?')}`
        stack.push([item, `${path}/${k}`])
      }
    }
  }
  return undefined
}

/**
 * Refuses, before schema validation and before any handler, every request whose body, query
 * string or path parameters carry text Postgres cannot store: `400 VALIDATION_FAILED` naming
 * the field. One hook covers every route and every schema, free-form metadata included, so a
 * bad string can never reach a shared write (a coalesced heartbeat flush) and fail it for others.
 *
 * @example
 * ```ts
 * rejectUnstorableText(app)
 * ```
 */
export function rejectUnstorableText(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const where =
      findUnstorableText(request.params, 'params') ??
      findUnstorableText(request.query, 'query') ??
      findUnstorableText(request.body, 'body')
    if (where === undefined) {
      done()
      return
    }
    done(
      new AppError(
        'VALIDATION_FAILED',
        `${where} contains a character that cannot be stored (NUL or an unpaired UTF-16 surrogate)`,
      ),
    )
  })
}
