import type { Child } from './html.js'

/** Values an attribute may hold: `true` renders the bare name, `false`/`null` omit it. */
export type AttrValue = string | number | boolean | null | undefined

/** Attributes every element accepts. No `style` (the CSP forbids inline style) and no `on*`. */
export interface GlobalAttrs {
  children?: Child
  id?: string
  class?: string
  title?: string
  role?: string
  lang?: string
  dir?: 'ltr' | 'rtl' | 'auto'
  hidden?: boolean
  tabindex?: number
  inert?: boolean
  [aria: `aria-${string}`]: AttrValue
  [data: `data-${string}`]: AttrValue
}

interface AnchorAttrs extends GlobalAttrs {
  href?: string
  rel?: string
  target?: '_blank' | '_self'
  download?: string | boolean
}
interface FormAttrs extends GlobalAttrs {
  method?: 'get' | 'post'
  action?: string
  enctype?: 'application/x-www-form-urlencoded' | 'multipart/form-data'
  autocomplete?: 'on' | 'off'
  novalidate?: boolean
}
interface InputAttrs extends GlobalAttrs {
  type?:
    | 'text'
    | 'email'
    | 'password'
    | 'hidden'
    | 'search'
    | 'number'
    | 'date'
    | 'datetime-local'
    | 'checkbox'
    | 'radio'
    | 'submit'
    | 'tel'
    | 'url'
    | 'file'
  name?: string
  value?: string | number
  required?: boolean
  placeholder?: string
  autocomplete?: string
  min?: string | number
  max?: string | number
  minlength?: number
  maxlength?: number
  pattern?: string
  checked?: boolean
  disabled?: boolean
  readonly?: boolean
  inputmode?: 'numeric' | 'text' | 'email' | 'search'
  autofocus?: boolean
  size?: number
  step?: string | number
  form?: string
  accept?: string
  spellcheck?: 'true' | 'false'
}
interface ButtonAttrs extends GlobalAttrs {
  type?: 'submit' | 'button' | 'reset'
  name?: string
  value?: string
  disabled?: boolean
  form?: string
  formaction?: string
}
interface SelectAttrs extends GlobalAttrs {
  name?: string
  required?: boolean
  multiple?: boolean
  disabled?: boolean
  autocomplete?: string
}
interface OptionAttrs extends GlobalAttrs {
  value?: string
  selected?: boolean
  disabled?: boolean
}
interface TextareaAttrs extends GlobalAttrs {
  name?: string
  rows?: number
  cols?: number
  required?: boolean
  maxlength?: number
  minlength?: number
  placeholder?: string
  readonly?: boolean
  spellcheck?: 'true' | 'false'
}
interface CellAttrs extends GlobalAttrs {
  colspan?: number
  rowspan?: number
  scope?: 'col' | 'row'
}
interface SvgAttrs extends GlobalAttrs {
  viewBox?: string
  width?: string | number
  height?: string | number
  xmlns?: string
  x?: string | number
  y?: string | number
  x1?: string | number
  y1?: string | number
  x2?: string | number
  y2?: string | number
  cx?: string | number
  cy?: string | number
  r?: string | number
  d?: string
  points?: string
  fill?: string
  stroke?: string
  'stroke-width'?: string | number
  'text-anchor'?: 'start' | 'middle' | 'end'
  'font-size'?: string | number
  preserveAspectRatio?: string
  focusable?: 'true' | 'false'
}

/** The tags templates may use, with their attributes. `<script>` takes a `src` only. */
export interface IntrinsicElementMap {
  html: GlobalAttrs
  head: GlobalAttrs
  body: GlobalAttrs
  title: GlobalAttrs
  meta: GlobalAttrs & {
    charset?: string
    name?: string
    content?: string
    'http-equiv'?: string
  }
  link: GlobalAttrs & { rel: string; href: string; type?: string; sizes?: string }
  script: { src: string; type?: 'module'; defer?: boolean; children?: never; id?: string }
  noscript: GlobalAttrs
  main: GlobalAttrs
  nav: GlobalAttrs
  header: GlobalAttrs
  footer: GlobalAttrs
  section: GlobalAttrs
  article: GlobalAttrs
  aside: GlobalAttrs
  h1: GlobalAttrs
  h2: GlobalAttrs
  h3: GlobalAttrs
  h4: GlobalAttrs
  p: GlobalAttrs
  div: GlobalAttrs
  span: GlobalAttrs
  ul: GlobalAttrs
  ol: GlobalAttrs
  li: GlobalAttrs
  dl: GlobalAttrs
  dt: GlobalAttrs
  dd: GlobalAttrs
  strong: GlobalAttrs
  em: GlobalAttrs
  small: GlobalAttrs
  code: GlobalAttrs
  pre: GlobalAttrs
  kbd: GlobalAttrs
  abbr: GlobalAttrs
  br: GlobalAttrs
  hr: GlobalAttrs
  a: AnchorAttrs
  img: GlobalAttrs & { src: string; alt: string; width?: number; height?: number }
  form: FormAttrs
  fieldset: GlobalAttrs & { disabled?: boolean }
  legend: GlobalAttrs
  label: GlobalAttrs & { for?: string }
  input: InputAttrs
  button: ButtonAttrs
  select: SelectAttrs
  option: OptionAttrs
  textarea: TextareaAttrs
  output: GlobalAttrs & { for?: string }
  details: GlobalAttrs & { open?: boolean }
  summary: GlobalAttrs
  dialog: GlobalAttrs & { open?: boolean }
  table: GlobalAttrs
  caption: GlobalAttrs
  thead: GlobalAttrs
  tbody: GlobalAttrs
  tfoot: GlobalAttrs
  tr: GlobalAttrs
  th: CellAttrs
  td: CellAttrs
  time: GlobalAttrs & { datetime?: string }
  progress: GlobalAttrs & { value?: number; max?: number }
  meter: GlobalAttrs & { value?: number; min?: number; max?: number; low?: number; high?: number }
  figure: GlobalAttrs
  figcaption: GlobalAttrs
  svg: SvgAttrs
  g: SvgAttrs
  rect: SvgAttrs
  line: SvgAttrs
  polyline: SvgAttrs
  path: SvgAttrs
  circle: SvgAttrs
  text: SvgAttrs
}
