import type { LicenseStatus } from './license-status.js'

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

function row(label: string, value: unknown): string {
  return `<tr><th>${esc(label)}</th><td>${esc(value)}</td></tr>`
}

/**
 * The status page for humans: state, reason, grace days left, features, seats. Refreshes
 * itself every 5 s, so a demo can watch the state move.
 *
 * @example
 * ```ts
 * reply.type('text/html').send(renderStatusPage(licenseStatus(license, 1)))
 * ```
 */
export function renderStatusPage(s: LicenseStatus): string {
  const colour = s.state.restricted ? '#b42318' : s.graceDaysLeft !== null ? '#b54708' : '#067647'
  const rows = [
    row('reason', s.state.reason),
    row('grace days left', s.graceDaysLeft ?? '-'),
    row('days left', s.state.daysLeft ?? 'perpetual'),
    row('license', s.state.licenseId ?? '-'),
    row('tier', s.tier ?? '-'),
    row('features', s.features.join(', ') || '(free tier only)'),
    row('seats', `${s.seats.used} / ${s.seats.limit ?? 'unlimited'}`),
    row('expires', s.state.expiresAt ?? 'never'),
    row('deployment', s.deploymentId),
    row('checked at', s.state.checkedAt),
    ...(s.clockOffsetMinutes ? [row('demo clock', `+${s.clockOffsetMinutes} min`)] : []),
    ...Object.entries(s.about).map(([k, v]) => row(k, v ?? '-')),
  ]
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>License: ${esc(s.state.code)}</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem}th{text-align:left;padding-right:1rem;color:#555}
.state{display:inline-block;padding:.3rem .8rem;border-radius:1rem;color:#fff;background:${colour}}</style>
</head><body><h1>License <span class="state">${esc(s.state.code)}</span></h1>
<table>${rows.join('')}</table></body></html>
`
}
