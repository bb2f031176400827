import type { FastifyRequest } from 'fastify'
import type { ApiKeyRow } from '../api-keys/api-key.table.js'
import { hasScope, KNOWN_SCOPES } from '../api-keys/scopes.js'
import type { Html } from '../web/html.js'
import { Fragment, h } from '../web/jsx.js'
import { CsrfField } from '../web/layout.js'
import { RecordTable, when } from './records.js'
import { ROLE_SCOPES } from './roles.js'

/** The API-key columns the keys page shows (never the hash). */
export type ApiKeyListRow = Pick<
  ApiKeyRow,
  'id' | 'name' | 'prefix' | 'scopes' | 'created_by' | 'created_at' | 'last_used_at' | 'revoked_at'
>

/**
 * The API-key section of the keys page: the keys with a revoke button, and the create form
 * offering only scopes the member's role holds (the secret is shown once, after creation).
 *
 * @example
 * ```tsx
 * <ApiKeySection request={request} keys={rows} />
 * ```
 */
export function ApiKeySection(p: {
  request: FastifyRequest
  keys: readonly ApiKeyListRow[]
}): Html {
  const csrf = p.request.web.csrfToken
  return (
    <>
      <h1>API keys</h1>
      <RecordTable
        caption="API keys (secrets are never shown again)"
        head={['Name', 'Prefix', 'Scopes', 'Created by', 'Last used', 'Revoked', '']}
        rows={p.keys.map((k) => [
          k.name,
          <span class="mono">{k.prefix}</span>,
          k.scopes.join(' '),
          <span class="mono">{k.created_by}</span>,
          when(k.last_used_at),
          when(k.revoked_at),
          k.revoked_at === null ? (
            <form
              method="post"
              action={`/console/keys/api/${k.id}/revoke`}
              class="inline"
              data-confirm="Revoke this API key? Programs using it stop working."
            >
              <CsrfField token={csrf} />
              <button type="submit" class="danger">
                Revoke
              </button>
            </form>
          ) : (
            ''
          ),
        ])}
      />
      <form method="post" action="/console/keys/api" class="card stack" id="new-api-key">
        <CsrfField token={csrf} />
        <h2>New API key</h2>
        <label>
          Name
          <input type="text" name="name" required maxlength={200} />
        </label>
        <fieldset>
          <legend>Scopes (only those your role holds)</legend>
          {['*', ...KNOWN_SCOPES]
            .filter((sc) => hasScope(ROLE_SCOPES[p.request.staff.role], sc))
            .map((sc) => (
              <label class="check">
                <input type="checkbox" name="scopes" value={sc} /> <span class="mono">{sc}</span>
              </label>
            ))}
        </fieldset>
        <button type="submit">Create API key</button>
      </form>
    </>
  )
}
