import type { Column } from './output.js'

/** Columns of `tollgate seat list` (`--json` carries every field). */
export const SEAT_COLUMNS: Column[] = [
  { key: 'id', header: 'LEASE' },
  { key: 'scope', header: 'SCOPE' },
  { key: 'deploymentId', header: 'DEPLOYMENT' },
  { key: 'address', header: 'ADDRESS' },
  { key: 'overage', header: 'OVERAGE' },
  { key: 'expiresAt', header: 'EXPIRES' },
]
