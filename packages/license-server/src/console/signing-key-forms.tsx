import type { SigningKeyRow } from '../signing-keys/signing-key.table.js'
import type { Html } from '../web/html.js'
import { Fragment, h } from '../web/jsx.js'
import { CsrfField } from '../web/layout.js'
import { RecordTable, when } from './records.js'

/**
 * What each signing-key action does, in the CLI's words (`tollgate keys rotate|retire|remove`),
 * shown next to the button and as the confirmation question.
 */
export const SIGNING_KEY_WARNINGS = {
  rotate: 'A new key signs from now on; the old one still verifies until retired and removed.',
  retire: 'It signs nothing new; its licenses still verify until it is removed.',
  remove:
    'Every license it signed stops verifying (clients see UNKNOWN_KEY), and clients that pinned ' +
    'it can no longer follow key rotations past it. Reissue those licenses first.',
} as const

/** A destructive signing-key form: a required confirmation box and reason (audit log). */
function DestructiveForm(p: {
  csrf: string
  kid: string
  action: 'retire' | 'remove'
  errors: Readonly<Record<string, string>>
}): Html {
  const label = p.action === 'retire' ? 'Retire' : 'Remove'
  const errs = p.errors
  return (
    <form
      method="post"
      action={`/console/keys/signing/${p.kid}/${p.action}`}
      class="stack"
      data-confirm={`${label} signing key ${p.kid}? ${SIGNING_KEY_WARNINGS[p.action]}`}
    >
      <CsrfField token={p.csrf} />
      <p class="hint">{SIGNING_KEY_WARNINGS[p.action]}</p>
      <label>
        Reason (required, kept in the audit log)
        <input
          type="text"
          name="reason"
          maxlength={500}
          required
          aria-invalid={errs.reason ? 'true' : undefined}
        />
      </label>
      <label class="check">
        <input type="checkbox" name="confirm" value="yes" required /> I understand:{' '}
        {p.action === 'retire' ? 'this key stops signing' : 'its licenses stop verifying'}
      </label>
      <button type="submit" class="danger">
        {label} {p.kid}
      </button>
    </form>
  )
}

/**
 * The signing-key section of the keys page: every key with its state, and for `keys:admin`
 * rotate, retire (active keys, while another active key remains) and remove (retired keys).
 *
 * @example
 * ```tsx
 * <SigningKeySection csrf={csrf} keys={rows} errors={{}} />
 * ```
 */
export function SigningKeySection(p: {
  csrf: string
  keys: readonly SigningKeyRow[]
  /** The kid a failed form was about, and its field messages. */
  failed?: { kid: string; errors: Readonly<Record<string, string>> } | undefined
}): Html {
  const signer = p.keys.find((k) => k.state === 'active')?.kid
  const activeCount = p.keys.filter((k) => k.state === 'active').length
  const errorsOf = (kid: string) => (p.failed?.kid === kid ? p.failed.errors : {})
  return (
    <>
      <h2 id="signing-keys">Signing keys</h2>
      <RecordTable
        caption="Signing keys (newest signs)"
        id="signing-key-table"
        head={['Key id', 'State', 'Created', 'Retired', 'Action']}
        rows={p.keys.map((k) => [
          <span class="mono">{k.kid}</span>,
          k.kid === signer ? 'active (signing)' : k.state,
          when(k.created_at),
          when(k.retired_at),
          k.state === 'retired' ? (
            <DestructiveForm csrf={p.csrf} kid={k.kid} action="remove" errors={errorsOf(k.kid)} />
          ) : activeCount > 1 ? (
            <DestructiveForm csrf={p.csrf} kid={k.kid} action="retire" errors={errorsOf(k.kid)} />
          ) : (
            <span class="muted">The only active key: rotate before retiring it.</span>
          ),
        ])}
      />
      <form method="post" action="/console/keys/signing/rotate" class="card stack" id="rotate-key">
        <CsrfField token={p.csrf} />
        <h3>Rotate</h3>
        <p class="hint">{SIGNING_KEY_WARNINGS.rotate}</p>
        <label>
          Reason (optional, kept in the audit log)
          <input type="text" name="reason" maxlength={500} />
        </label>
        <button type="submit">Rotate signing key</button>
      </form>
    </>
  )
}
