// The server answers a schema failure with the validator's own words, e.g.
//   body /expiresAt must match format "date-time", body/expiresAt must be null, body/expiresAt
//   must match a schema in anyOf
// People need one sentence naming their flag: `--expires must be a date and time (ISO 8601).`

/** Body and query fields as the CLI's flags (the flag a person typed to set them). */
const FLAGS: Record<string, string> = {
  expiresAt: '--expires',
  customerId: '--customer',
  planId: '--plan',
  deploymentId: '--deployment',
  entitlements: '--entitlement',
  limits: '--limit',
  durationDays: '--duration-days',
  stripePriceId: '--stripe-price',
  pastDueGraceDays: '--past-due-grace-days',
  cancelBehavior: '--cancel-behavior',
  'policy.expiryGraceDays': '--expiry-grace-days',
  'policy.offlineGraceDays': '--offline-grace-days',
  'policy.heartbeatIntervalS': '--heartbeat-interval',
  'policy.maxDeployments': '--max-deployments',
}

const FORMATS: Record<string, string> = {
  email: 'a valid e-mail address',
  'date-time': 'a date and time (ISO 8601, e.g. 2027-01-31T00:00:00Z)',
  date: 'a date (YYYY-MM-DD)',
  uri: 'a URL',
}

const PART = /^(body|querystring|params|headers)\s*(\/\S*)?\s+(.*)$/

function flagFor(path: string): string {
  const field = path.replace(/^\//, '').split('/').join('.')
  if (FLAGS[field]) return FLAGS[field]
  const top = field.split('.')[0] ?? field
  if (top === 'limits' && field !== top) return `--limit ${field.slice(top.length + 1)}=…`
  if (FLAGS[top]) return FLAGS[top]
  return field.includes('.')
    ? `"${field}"`
    : `--${top.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}

function rule(text: string): string | undefined {
  // anyOf(string | null) noise: the first branch already said what was wrong.
  if (/^must be null$|^must match a schema in anyOf$|^schema is false$/.test(text)) return undefined
  const format = /^must match format "([^"]+)"$/.exec(text)
  if (format) return `must be ${FORMATS[format[1]!] ?? `in ${format[1]} format`}`
  const cmp = /^must be (>=|<=|>|<) (-?\d+(?:\.\d+)?)$/.exec(text)
  if (cmp) {
    const words = { '>=': 'at least', '<=': 'at most', '>': 'more than', '<': 'less than' }
    return `must be ${words[cmp[1] as keyof typeof words]} ${cmp[2]}`
  }
  const len = /^must NOT have (more|fewer) than (\d+) (characters|items)$/i.exec(text)
  if (len) return `must have ${len[1] === 'more' ? 'at most' : 'at least'} ${len[2]} ${len[3]}`
  return text
}

/**
 * The server's VALIDATION_FAILED message as one sentence in the CLI's terms, or `undefined`
 * when it is not in the validator's format (then it is shown as it came).
 *
 * @example
 * ```ts
 * schemaErrorSentence('body /limits/users must be >= 0') // '--limit users=… must be at least 0.'
 * ```
 */
export function schemaErrorSentence(message: string): string | undefined {
  const parts = message.split(/,\s*(?=(?:body|querystring|params|headers)\b)/)
  const said: string[] = []
  const extra = parts
    .map((p) => /^body\s*\/(\S+) schema is false$/.exec(p)?.[1])
    .filter((f): f is string => f !== undefined)
  for (const part of parts) {
    const m = PART.exec(part.trim())
    if (!m) return undefined
    const [, , path, text] = m as unknown as [string, string, string | undefined, string]
    let sentence: string | undefined
    const required = /^must have required propert(?:y|ies) '?([\w, ]+?)'?$/.exec(text)
    if (required) {
      sentence = `${required[1]!
        .split(/,\s*/)
        .map((f) => flagFor(`${path ?? ''}/${f}`))
        .join(', ')} is required`
    } else if (/^must not have additional properties$/i.test(text)) {
      sentence = extra.length
        ? `the server does not know ${extra.map((f) => `"${f}"`).join(', ')} (is the server older than this CLI?)`
        : 'a field the server does not know was sent (is the server older than this CLI?)'
    } else {
      const r = rule(text)
      if (r === undefined) continue
      sentence = path ? `${flagFor(path)} ${r}` : `the request ${r}`
    }
    if (!said.includes(sentence)) said.push(sentence)
  }
  if (said.length === 0) return undefined
  const text = said.join('; ')
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}
