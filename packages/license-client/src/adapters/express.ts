import type { IncomingMessage, ServerResponse } from 'node:http'
import { featureDenial } from './denial-body.js'
import type { FeatureGate } from './licensed.js'

/** A Connect/Express middleware (Express's `req`/`res` extend Node's). */
export type ConnectMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void

/** What {@link expressLicense} returns. */
export interface ExpressLicense {
  /** Middleware that lets the request through only while `feature` is usable. */
  requireFeature(feature: string): ConnectMiddleware
}

/**
 * Express / Connect adapter. `requireFeature('sso')` answers 402 (plan lacks the feature) or 403
 * (license restricted: expired, revoked, tampered clock...) with a JSON body naming the feature
 * and the license state; otherwise it calls `next()`. It writes through Node's own response
 * API, so it needs neither express nor connect at runtime.
 *
 * @example
 * ```ts
 * const license = expressLicense(client)
 * app.get('/admin/sso', license.requireFeature('sso'), (req, res) => res.send('ok'))
 * ```
 */
export function expressLicense(client: FeatureGate): ExpressLicense {
  return {
    requireFeature(feature) {
      return (_req, res, next) => {
        const denied = featureDenial(client, feature)
        if (denied === undefined) return next()
        const body = JSON.stringify(denied)
        res.statusCode = denied.status
        res.setHeader('content-type', 'application/json; charset=utf-8')
        res.setHeader('content-length', Buffer.byteLength(body))
        res.end(body)
      }
    },
  }
}
