/** What a handler made of an event: `processed` (state changed or confirmed) or `ignored`. */
export interface HandlerOutcome {
  status: 'processed' | 'ignored'
  /** Short, secret-free note stored with the event (e.g. the license id). */
  note?: string
  /** A trial was converted to paid (counted once the event's transaction commits). */
  trialConverted?: boolean
}
