import { iso } from '../lib/json.js'
import type { EventRow } from './event.table.js'

/** An event as the admin API shows it (and as webhooks carry it, minus the subject fields). */
export interface EventView {
  id: string
  type: string
  licenseId: string | null
  subjectType: string
  subjectId: string
  data: unknown
  createdAt: string
}

/** Row to API object. */
export function toEventView(row: EventRow): EventView {
  return {
    id: row.id,
    type: row.type,
    licenseId: row.license_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    data: row.data,
    createdAt: iso(row.created_at)!,
  }
}
