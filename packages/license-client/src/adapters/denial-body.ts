import type { FeatureGate } from './licensed.js'

/** The JSON body of a refused request (same `{ error, code, status }` shape as the server). */
export interface DenialBody {
  error: string
  code: 'FEATURE_NOT_ENTITLED' | 'LICENSE_NOT_VALID'
  /** 402 when the plan lacks the feature (an upgrade fixes it), 403 when the license is restricted. */
  status: 402 | 403
  feature: string
  /** The license state code, e.g. `valid`, `expired`, `revoked`. */
  licenseState: string
  /** Why the license is in that state. */
  reason: string
}

/**
 * The HTTP answer for a feature the license does not allow right now, or `undefined` when it
 * does. Shared by the Fastify and Express/Connect adapters.
 *
 * @example
 * ```ts
 * const denied = featureDenial(client, 'sso')
 * if (denied) res.writeHead(denied.status).end(JSON.stringify(denied))
 * ```
 */
export function featureDenial(client: FeatureGate, feature: string): DenialBody | undefined {
  if (client.hasFeature(feature)) return undefined
  const state = client.state
  const restricted = state.restricted
  return {
    error: client.denial(feature).message,
    code: restricted ? 'LICENSE_NOT_VALID' : 'FEATURE_NOT_ENTITLED',
    status: restricted ? 403 : 402,
    feature,
    licenseState: state.code,
    reason: state.reason,
  }
}
