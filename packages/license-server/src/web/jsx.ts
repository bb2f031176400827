import { Html, escapeHtml, renderChild, type Child } from './html.js'
import type { IntrinsicElementMap } from './jsx-types.js'

/** A function component: props in, markup out. */
export type Component<P> = (props: P) => Html

type Props = Record<string, unknown> & { children?: Child }

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
])
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction'])
const NAME = /^[a-zA-Z][a-zA-Z0-9:._-]*$/
// Relative URLs, http(s), mailto and fragments: never `javascript:` or `data:` from a record.
const SAFE_URL = /^(?:[/?#.]|https?:|mailto:|[a-zA-Z0-9_-]+(?:[/?#]|$))/

function attribute(name: string, value: unknown): string {
  if (value === null || value === undefined || value === false) return ''
  if (!NAME.test(name)) throw new TypeError(`Invalid attribute name: ${name}`)
  if (value === true) return ` ${name}`
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new TypeError(`Attribute ${name} takes a string or a number`)
  }
  let text = String(value)
  if (URL_ATTRIBUTES.has(name) && !SAFE_URL.test(text.trim())) text = '#'
  return ` ${name}="${escapeHtml(text)}"`
}

/**
 * The JSX factory (`jsxFactory: "h"` in tsconfig): renders an element or calls a component.
 * Text children and attribute values are escaped; URL attributes refuse `javascript:`.
 *
 * @example
 * ```tsx
 * import { h } from '../web/jsx.js'
 * const page = <p class="note">{customer.name}</p> // an Html
 * ```
 */
export function h(tag: string | Component<Props>, props: Props | null, ...children: Child[]): Html {
  const all: Props = { ...props }
  if (children.length > 0) all.children = children.length === 1 ? children[0] : children
  if (typeof tag === 'function') return tag(all)
  if (!NAME.test(tag)) throw new TypeError(`Invalid tag: ${tag}`)
  let out = `<${tag}`
  for (const [name, value] of Object.entries(all)) {
    // `__source`/`__self`: debug props some JSX transforms add in development builds.
    if (name !== 'children' && name !== '__source' && name !== '__self') {
      out += attribute(name, value)
    }
  }
  if (VOID_ELEMENTS.has(tag)) return new Html(`${out}>`)
  return new Html(`${out}>${renderChild(all.children)}</${tag}>`)
}

/**
 * The fragment factory (`<>...</>`).
 *
 * @example
 * ```tsx
 * const rows = <>{items.map((i) => <li>{i}</li>)}</>
 * ```
 */
export function Fragment(props: { children?: Child }): Html {
  return new Html(renderChild(props.children))
}

/**
 * A whole document: the doctype plus the rendered root.
 *
 * @example
 * ```tsx
 * reply.type('text/html; charset=utf-8').send(renderDocument(<Layout title="x">...</Layout>))
 * ```
 */
export function renderDocument(root: Html): string {
  return `<!doctype html>${root.value}`
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    type Element = Html
    interface ElementChildrenAttribute {
      children: unknown
    }
    type IntrinsicElements = IntrinsicElementMap
  }
}
