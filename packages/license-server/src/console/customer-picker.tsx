import type { Db } from '../db/database.js'
import type { Html } from '../web/html.js'
import { Fragment, h } from '../web/jsx.js'
import { customerMatches } from './customer-search.js'

/** A customer as the picker lists it. */
export interface PickerCustomer {
  id: string
  name: string
  email: string | null
}

const SHOWN = 20
const CUSTOMER_ID = /^cus_[0-9A-Za-z_-]{4,64}$/

/**
 * The customers the issue form offers: those matching `find` (a `cus_` id exactly, else a part
 * of the name or email, like the customer list's search), or the newest ones when `find` is
 * empty; at most 20, newest first, always with the `selected` one (if it is the tenant's).
 *
 * @example
 * ```ts
 * const list = await pickerCustomers(db, tenantId, 'acme', undefined)
 * ```
 */
export async function pickerCustomers(
  db: Db,
  tenantId: string,
  find: string,
  selected: string | undefined,
): Promise<PickerCustomer[]> {
  const base = () =>
    db.selectFrom('customers').select(['id', 'name', 'email']).where('tenant_id', '=', tenantId)
  let q = base()
  if (CUSTOMER_ID.test(find)) q = q.where('id', '=', find)
  else if (find) {
    // Prefix match, served by the console search indexes (substring search scans every customer).
    q = q.where((eb) => customerMatches(eb, find))
  }
  const rows = await q.orderBy('id', 'desc').limit(SHOWN).execute()
  if (selected && CUSTOMER_ID.test(selected) && !rows.some((r) => r.id === selected)) {
    const chosen = await base().where('id', '=', selected).executeTakeFirst()
    if (chosen) rows.unshift(chosen)
  }
  return rows
}

/**
 * Step one of the issue form: a plain GET search that reloads the form with the matching
 * customers (works without script); `customer-picker.js` refreshes the list as one types.
 *
 * @example
 * ```tsx
 * <CustomerSearch find="acme" />
 * ```
 */
export function CustomerSearch(p: { find: string }): Html {
  return (
    <form method="get" action="/console/licenses/new" class="filters" role="search">
      <label>
        Find the customer
        <input
          type="search"
          name="find"
          value={p.find}
          maxlength={200}
          placeholder="name, email or cus_ id"
          data-customer-search="/console/licenses/new/customers"
          aria-controls="customer-picker"
        />
      </label>
      <button type="submit" class="secondary">
        Search
      </button>
    </form>
  )
}

/**
 * The customer choice inside the issue form: one radio per customer (name, email, id).
 *
 * @example
 * ```tsx
 * <CustomerChoices customers={list} selected={values.customerId} find={find} error={errors.customerId} />
 * ```
 */
export function CustomerChoices(p: {
  customers: readonly PickerCustomer[]
  selected?: string | undefined
  find: string
  error?: string | undefined
}): Html {
  return (
    <fieldset id="customer-picker" aria-live="polite">
      <legend>Customer</legend>
      {p.customers.length === 0 ? (
        <p class="muted">
          {p.find ? `No customer matches “${p.find}”. ` : 'No customers yet. '}
          <a href="/console/customers">Create a customer</a>
        </p>
      ) : (
        <>
          {p.customers.map((c) => (
            <label class="check">
              <input
                type="radio"
                name="customerId"
                value={c.id}
                checked={c.id === p.selected || p.customers.length === 1}
                required
                aria-invalid={p.error ? 'true' : undefined}
              />{' '}
              {c.name} <span class="muted">{c.email ?? ''}</span>{' '}
              <span class="mono muted">{c.id}</span>
            </label>
          ))}
        </>
      )}
      {p.error ? (
        <span class="field-error" id="customerId-error">
          {p.error}
        </span>
      ) : null}
    </fieldset>
  )
}
