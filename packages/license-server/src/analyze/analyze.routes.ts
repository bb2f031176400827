import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseBytecode } from '@tollgate/enclave-runner'
import { Counter } from 'prom-client'
import { AppError } from '../errors/app-error.js'
import { errorResponses } from '../lib/schemas.js'
import {
  ANALYZE_BODY_LIMIT,
  AnalyzeBody,
  AnalyzeResponse,
  AttestationInfo,
  AttestationQuery,
  MAX_BYTECODE_BYTES,
} from './analyze.schemas.js'
import { claimAnalyzeNonce } from './claim-analyze-nonce.js'
import { loadOrCreateEnclaveState } from './enclave-state.js'
import { checkAnalysisLicense } from './check-analysis-license.js'
import { EnclavePool, type PoolRunnerOptions } from './enclave-pool.js'
import { toAnalysisError } from './to-analysis-error.js'

/** Options of {@link analyzeRoutes}. */
export interface AnalyzeRoutesOptions {
  /** Analyses running at once on this instance (each is a worker process); default: CPU count. */
  maxConcurrent?: number
  /** Runner overrides (worker build, sandbox mode, limits). */
  runner?: PoolRunnerOptions
}

function checkBytecode(hex: string): void {
  let bytes: number
  try {
    bytes = parseBytecode(hex).length
  } catch (err) {
    throw toAnalysisError(err)
  }
  if (bytes > MAX_BYTECODE_BYTES)
    throw new AppError('INVALID_BYTECODE', `The bytecode is ${bytes} bytes; at most 64 KiB`)
}

/**
 * `POST /v1/analyze` ({key, bytecode, analysisType, nonce} -> {signed, verification, sandbox}):
 * license-gated analysis in the tenant's enclave runner, answered as a signed, attested result
 * the caller verifies itself. `GET /v1/analyze/attestation?tenant=` publishes the runner's
 * measurement and emulated root so clients can pin them. The tenant's CA (key sealed under the
 * master key) and sealed bundle live in the database, so N instances publish one root and one
 * measurement; used nonces too, so a nonce is refused on every instance once any one saw it.
 *
 * @example
 * ```ts
 * await pub.register(analyzeRoutes)
 * ```
 */
export const analyzeRoutes: FastifyPluginAsyncTypebox<AnalyzeRoutesOptions> = (app, opts) => {
  const { db, signingKeys, now, config, rateLimits, metrics, bootstrap } = app.tollgate
  const pool = new EnclavePool({
    baseDir: config.dataDir.startsWith('memory://')
      ? undefined
      : resolve(config.dataDir, 'enclave'),
    ...(opts.runner ? { runner: opts.runner } : {}),
    // One root and one measured bundle per tenant across every instance on the database.
    loadState: (tenantId) => loadOrCreateEnclaveState(db, signingKeys.masterKey, tenantId),
  })
  app.addHook('onClose', () => pool.close())
  const maxConcurrent = opts.maxConcurrent ?? Math.max(1, availableParallelism())
  let running = 0
  const analyses = new Counter({
    name: 'tollgate_analyses_total',
    help: 'POST /v1/analyze outcomes by analysis type (ok or the error code)',
    labelNames: ['type', 'outcome'] as const,
    registers: [metrics.registry],
  })
  const tags = ['analysis']

  app.post(
    '/analyze',
    {
      bodyLimit: Math.max(config.bodyLimit, ANALYZE_BODY_LIMIT),
      schema: {
        tags,
        body: AnalyzeBody,
        response: { 200: AnalyzeResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { key, bytecode, analysisType, nonce } = req.body
      try {
        checkBytecode(bytecode)
        const row = await checkAnalysisLicense(db, signingKeys, key, analysisType, now())
        await rateLimits.perLicense(req, reply, { id: row.id, tier: row.tier })
        if (running >= maxConcurrent) {
          void reply.header('retry-after', '2')
          throw new AppError('ANALYSIS_BUSY')
        }
        await claimAnalyzeNonce(db, row.tenant_id, nonce, now())
        running++
        try {
          const jwks = await signingKeys.jwks(db, row.tenant_id)
          const lease = await pool.acquire(row.tenant_id, jwks).catch((err: unknown) => {
            throw toAnalysisError(err)
          })
          try {
            const signed = await lease.runner.analyze({
              bytecode,
              analysisType,
              licenseToken: key,
              nonce,
            })
            analyses.inc({ type: analysisType, outcome: 'ok' })
            return {
              signed,
              verification: {
                allowedPcrs: [lease.runner.measurement],
                trustedRoots: [lease.runner.rootCertificatePem],
                allowEmulated: true as const,
              },
              sandbox: lease.runner.sandbox,
            }
          } catch (err) {
            throw toAnalysisError(err)
          } finally {
            lease.release()
          }
        } finally {
          running--
        }
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'INTERNAL_ERROR'
        analyses.inc({ type: analysisType, outcome: code })
        throw err
      }
    },
  )

  app.get(
    '/analyze/attestation',
    {
      schema: {
        tags,
        querystring: AttestationQuery,
        response: { 200: AttestationInfo, ...errorResponses },
      },
    },
    async (req) => {
      const tenantId = req.query.tenant ?? bootstrap.tenantId
      const jwks = await signingKeys.jwks(db, tenantId)
      if (jwks.keys.length === 0) throw new AppError('NOT_FOUND', `No tenant ${tenantId}`)
      const lease = await pool.acquire(tenantId, jwks).catch((err: unknown) => {
        throw toAnalysisError(err)
      })
      try {
        return {
          measurement: lease.runner.measurement,
          rootCertificatePem: lease.runner.rootCertificatePem,
          allowEmulated: true as const,
          sandbox: lease.runner.sandbox,
        }
      } finally {
        lease.release()
      }
    },
  )
  return Promise.resolve()
}
