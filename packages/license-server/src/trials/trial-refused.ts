import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors/app-error.js'
import { trialRefusalCounter } from './trial-metrics.js'

/** What an earlier trial shared with a refused one. */
export type TrialRefusalReason = 'customer' | 'email' | 'machine'

const MESSAGES: Record<TrialRefusalReason, string> = {
  customer: 'This customer already had a trial',
  email: 'This email already had a trial',
  machine: 'A trial already ran on this machine',
}

/**
 * TRIAL_ALREADY_USED with the reason it was refused (same HTTP answer for every reason; the
 * reason only feeds `tollgate_trial_refusals_total{reason}`).
 *
 * @example
 * ```ts
 * throw new TrialAlreadyUsedError('machine')
 * ```
 */
export class TrialAlreadyUsedError extends AppError {
  readonly reason: TrialRefusalReason
  constructor(reason: TrialRefusalReason) {
    super('TRIAL_ALREADY_USED', MESSAGES[reason])
    this.reason = reason
  }
}

/**
 * Counts every TrialAlreadyUsedError that reaches a response, by reason, wherever it was thrown
 * (staff issue, self-service confirm, activation of a trial key on a used machine).
 *
 * @example
 * ```ts
 * countTrialRefusals(app) // before the routes are registered
 * ```
 */
export function countTrialRefusals(app: FastifyInstance): void {
  const counter = trialRefusalCounter(app.tollgate.metrics.registry)
  app.addHook('onError', async (_req, _reply, err) => {
    if (err instanceof TrialAlreadyUsedError) counter.inc({ reason: err.reason })
  })
}
