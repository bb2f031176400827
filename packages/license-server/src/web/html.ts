/**
 * Rendered, trusted HTML. Only the JSX runtime ({@link h}) and {@link trustedHtml} make one, so
 * a string from a request can never reach a page unescaped: it is text until escaped.
 */
export class Html {
  /** The markup. */
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
  toString(): string {
    return this.value
  }
}

/** What a template may hold as a child: escaped text, numbers, nested markup, lists. */
export type Child = Html | string | number | bigint | boolean | null | undefined | readonly Child[]

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Escapes text for HTML content and quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<script>') // '&lt;script&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

/**
 * Marks a constant as trusted markup. The escape hatch of the template layer: never pass it
 * anything derived from a request or the database.
 *
 * @example
 * ```ts
 * trustedHtml('&nbsp;')
 * ```
 */
export function trustedHtml(markup: string): Html {
  return new Html(markup)
}

/**
 * Renders a child to markup: strings are escaped, `Html` is kept, `null`/`undefined`/booleans
 * render nothing, arrays are concatenated.
 *
 * @example
 * ```ts
 * renderChild(['a<', 1]) // 'a&lt;1'
 * ```
 */
export function renderChild(child: Child): string {
  if (child === null || child === undefined || typeof child === 'boolean') return ''
  if (child instanceof Html) return child.value
  if (typeof child === 'string') return escapeHtml(child)
  if (typeof child === 'number' || typeof child === 'bigint') return String(child)
  let out = ''
  for (const c of child) out += renderChild(c)
  return out
}
