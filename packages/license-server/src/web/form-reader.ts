import { PageError } from './page-error.js'

/** Options of a text field. */
export interface TextOptions {
  /** Shown in messages ("Name is required"). */
  label: string
  max?: number
  min?: number
  /** Missing or blank is allowed (answers undefined). */
  optional?: boolean
  pattern?: RegExp
  /** Message when `pattern` fails. */
  patternMessage?: string
}

// Control characters other than tab/newline, and lone surrogates, are refused outright.
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const BAD_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}\.[^\s@<>".]{2,63}$/

/**
 * Reads and checks fields of a parsed form body, collecting every problem, then {@link done}
 * throws one BAD_INPUT PageError with a message per field. Nothing is written before `done()`.
 *
 * @example
 * ```ts
 * const f = new FormReader(request.body)
 * const name = f.text('name', { label: 'Name', max: 200 })
 * const email = f.email('email', { label: 'Email', optional: true })
 * f.done()
 * ```
 */
export class FormReader {
  private readonly body: Record<string, unknown>
  /** Field name → message. */
  readonly errors: Record<string, string> = {}

  constructor(body: unknown) {
    this.body =
      body !== null && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {}
  }

  /** The raw value as one string ('' when missing; a repeated field is an error). */
  raw(name: string): string {
    const v = this.body[name]
    if (v === undefined || v === null) return ''
    if (typeof v === 'string') return v
    this.fail(name, 'was sent more than once')
    return ''
  }

  /** A trimmed text field. */
  text(name: string, o: TextOptions & { optional: true }): string | undefined
  text(name: string, o: TextOptions): string
  text(name: string, o: TextOptions): string | undefined {
    const value = this.raw(name).trim()
    if (value === '') {
      if (!o.optional) this.fail(name, `${o.label} is required`)
      return undefined
    }
    const max = o.max ?? 1000
    if (value.length > max) this.fail(name, `${o.label} must be at most ${max} characters`)
    else if (o.min !== undefined && value.length < o.min) {
      this.fail(name, `${o.label} must be at least ${o.min} characters`)
    } else if (BAD_CHARS.test(value) || LONE_SURROGATE.test(value)) {
      this.fail(name, `${o.label} contains characters that are not allowed`)
    } else if (o.pattern && !o.pattern.test(value)) {
      this.fail(name, o.patternMessage ?? `${o.label} is not in the expected format`)
    }
    return value
  }

  /** An email address (lower-cased). */
  email(name: string, o: { label: string; optional: true }): string | undefined
  email(name: string, o: { label: string; optional?: false }): string
  email(name: string, o: { label: string; optional?: boolean }): string | undefined {
    const value = this.text(name, {
      label: o.label,
      max: 254,
      optional: o.optional === true,
      pattern: EMAIL,
      patternMessage: `${o.label} must be an email address`,
    })
    return value?.toLowerCase()
  }

  /** An integer within bounds. */
  int(
    name: string,
    o: { label: string; min: number; max: number; optional?: boolean },
  ): number | undefined {
    const value = this.raw(name).trim()
    if (value === '') {
      if (!o.optional) this.fail(name, `${o.label} is required`)
      return undefined
    }
    const n = /^-?\d{1,15}$/.test(value) ? Number(value) : NaN
    if (!Number.isSafeInteger(n) || n < o.min || n > o.max) {
      this.fail(name, `${o.label} must be a whole number from ${o.min} to ${o.max}`)
      return undefined
    }
    return n
  }

  /** One of the allowed values. */
  choice<T extends string>(name: string, allowed: readonly T[], o: { label: string }): T {
    const value = this.raw(name)
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(name, `${o.label} must be one of: ${allowed.join(', ')}`)
      return allowed[0] as T
    }
    return value as T
  }

  /** A checkbox: true when sent with any value. */
  checkbox(name: string): boolean {
    return this.raw(name) !== ''
  }

  /** Records a problem with a field (first message per field wins). */
  fail(name: string, message: string): void {
    this.errors[name] ??= message
  }

  /** Throws BAD_INPUT with every field message, if any. */
  done(): void {
    if (Object.keys(this.errors).length > 0) {
      throw new PageError('BAD_INPUT', undefined, { fields: this.errors })
    }
  }
}
