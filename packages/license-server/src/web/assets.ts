import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors/app-error.js'

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
}

interface Asset {
  body: Buffer
  type: string
  hash: string
}

/** Where the assets are: next to this file in `src/`, or `src/web/assets` beside `dist/`. */
function assetDir(): string {
  const candidates = [
    new URL('./assets/', import.meta.url),
    new URL('../src/web/assets/', import.meta.url),
  ]
  for (const url of candidates) {
    const dir = fileURLToPath(url)
    if (existsSync(dir)) return dir
  }
  return fileURLToPath(candidates[0]!)
}

let loaded: Map<string, Asset> | undefined

/** Every asset (CSS, scripts, icons), read once: a fixed set, so no path ever reaches the disk. */
function assets(): Map<string, Asset> {
  if (loaded) return loaded
  const map = new Map<string, Asset>()
  const dir = assetDir()
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)]
      if (!type || !/^[a-z0-9-]+\.[a-z]+$/.test(name)) continue
      const body = readFileSync(join(dir, name))
      map.set(name, {
        body,
        type,
        hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
      })
    }
  }
  loaded = map
  return map
}

/**
 * The URL of an asset with its content hash, so browsers may cache it for a year.
 *
 * @example
 * ```ts
 * <link rel="stylesheet" href={assetUrl('web.css')} />
 * ```
 */
export function assetUrl(name: string): string {
  const asset = assets().get(name)
  return `/assets/${name}${asset ? `?v=${asset.hash}` : ''}`
}

/**
 * `GET /assets/:name`: the web foundation's static files (served by the app itself).
 *
 * @example
 * ```ts
 * await app.register(assetRoutes)
 * ```
 */
export function assetRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { name: string }; Querystring: { v?: string } }>(
    '/assets/:name',
    async (request, reply) => {
      const asset = assets().get(request.params.name)
      if (!asset) throw new AppError('NOT_FOUND', 'No such asset')
      const versioned = request.query.v === asset.hash
      return reply
        .header('content-type', asset.type)
        .header('etag', `"${asset.hash}"`)
        .header('cross-origin-resource-policy', 'same-origin')
        .header(
          'cache-control',
          versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
        )
        .send(asset.body)
    },
  )
  return Promise.resolve()
}
