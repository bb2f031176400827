import type { FastifyRequest } from 'fastify'
import type { Child, Html } from '../web/html.js'
import { Fragment, h } from '../web/jsx.js'
import { CsrfField, Layout } from '../web/layout.js'
import { roleHasScope } from './roles.js'

const NAV: Array<[href: string, label: string, scope: string]> = [
  ['/console', 'Overview', 'licenses:read'],
  ['/console/licenses', 'Licenses', 'licenses:read'],
  ['/console/trials', 'Trials', 'licenses:read'],
  ['/console/customers', 'Customers', 'customers:read'],
  ['/console/plans', 'Plans', 'plans:read'],
  ['/console/violations', 'Violations', 'fleet:read'],
  ['/console/audit', 'Audit log', 'audit:read'],
  ['/console/billing', 'Billing', 'billing:read'],
  ['/console/keys', 'Keys', 'keys:admin'],
  ['/console/staff', 'Staff', 'customers:read'],
  ['/console/account', 'Account', 'customers:read'],
]

/**
 * A console page: the shared layout with the console's navigation and the signed-in member.
 *
 * @example
 * ```tsx
 * <ConsolePage request={request} title="Licenses" current="/console/licenses">...</ConsolePage>
 * ```
 */
export function ConsolePage(props: {
  request: FastifyRequest
  title: string
  current: string
  scripts?: string[]
  children?: Child
}): Html {
  const { request } = props
  const staff = request.staff
  const nav = (
    <>
      {NAV.filter(([, , scope]) => roleHasScope(staff.role, scope)).map(([href, label]) => (
        <a href={href} aria-current={href === props.current ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </>
  )
  const account = (
    <>
      <span>
        {staff.name} <span class="badge">{staff.role}</span>
      </span>
      <form method="post" action="/console/logout" class="inline">
        <CsrfField token={request.web.csrfToken} />
        <button type="submit" class="secondary">
          Sign out
        </button>
      </form>
    </>
  )
  return (
    <Layout
      title={props.title}
      app="Tollgate console"
      homeHref="/console"
      csrfToken={request.web.csrfToken}
      nav={nav}
      account={account}
      scripts={props.scripts}
    >
      {props.children}
    </Layout>
  )
}

/**
 * A bare console page (sign-in, setup): no navigation.
 *
 * @example
 * ```tsx
 * <PublicPage request={request} title="Sign in">...</PublicPage>
 * ```
 */
export function PublicPage(props: {
  request: FastifyRequest
  title: string
  scripts?: string[]
  children?: Child
}): Html {
  return (
    <Layout
      title={props.title}
      app="Tollgate console"
      homeHref="/console"
      csrfToken={props.request.web.csrfToken}
      scripts={props.scripts}
    >
      <section class="card narrow">{props.children}</section>
    </Layout>
  )
}

/** A labelled form field with its error message (`aria-invalid`, `aria-describedby`). */
export function Field(props: {
  label: string
  name: string
  type?: 'text' | 'email' | 'password' | 'search' | 'date' | 'number'
  value?: string
  error?: string
  hint?: string
  required?: boolean
  autocomplete?: string
  inputmode?: 'numeric' | 'text' | 'email' | 'search'
  maxlength?: number
}): Html {
  const errId = `${props.name}-error`
  return (
    <label>
      {props.label}
      {props.hint ? <span class="hint">{props.hint}</span> : null}
      <input
        type={props.type ?? 'text'}
        name={props.name}
        id={props.name}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        maxlength={props.maxlength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? errId : undefined}
      />
      {props.error ? (
        <span class="field-error" id={errId}>
          {props.error}
        </span>
      ) : null}
    </label>
  )
}
