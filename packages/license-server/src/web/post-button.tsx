import type { Html } from './html.js'
import { h } from './jsx.js'
import { CsrfField } from './layout.js'

/** Props of {@link PostButton}. */
export interface PostButtonProps {
  /** Where the form posts. */
  action: string
  csrf: string
  label: string
  /** Button class (default `danger`). */
  class?: string
  /** A question web.js asks before posting. */
  confirm?: string
}

/**
 * A one-button form (CSRF field included) for a single action on a row, like "free this seat"
 * or "remove": the console and the portal post the same way.
 *
 * @example
 * ```tsx
 * <PostButton action={`/portal/deployments/${d.id}/free`} csrf={csrf} label="Free this seat" />
 * ```
 */
export function PostButton(p: PostButtonProps): Html {
  return (
    <form method="post" action={p.action} class="inline" data-confirm={p.confirm}>
      <CsrfField token={p.csrf} />
      <button type="submit" class={p.class ?? 'danger'}>
        {p.label}
      </button>
    </form>
  )
}
