import type { ApiClient } from './http.js'
import { seg } from './session.js'

type Obj = Record<string, unknown>

// A page of a thousand licenses should not turn into a thousand lookups.
const MAX_LOOKUPS = 200
const IN_FLIGHT = 8

/**
 * Rows with `customerName` added for tables (the JSON output keeps the server's objects). Names
 * come from `GET /v1/admin/customers/:id`, once per distinct customer; a customer that cannot be
 * read (deleted, no scope) keeps showing its id.
 *
 * @example
 * ```ts
 * const rows = await withCustomerNames(client, page.items) // [{ ..., customerName: 'Acme Corp' }]
 * ```
 */
export async function withCustomerNames(client: ApiClient, rows: readonly Obj[]): Promise<Obj[]> {
  const ids = [
    ...new Set(rows.map((r) => r.customerId).filter((v): v is string => typeof v === 'string')),
  ].slice(0, MAX_LOOKUPS)
  const names = new Map<string, string>()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!
      try {
        const customer = await client.get<Obj>(`/v1/admin/customers/${seg(id)}`)
        if (typeof customer.name === 'string') names.set(id, customer.name)
      } catch {
        // keep the id
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, ids.length) }, worker))
  return rows.map((r) => {
    const name = typeof r.customerId === 'string' ? names.get(r.customerId) : undefined
    return name === undefined ? r : { ...r, customerName: name }
  })
}
