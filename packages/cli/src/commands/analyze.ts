import { randomBytes } from 'node:crypto'
import { Option } from 'commander'
import {
  AttestationError,
  verifyAnalysisResult,
  type PcrSet,
} from '@tollgate/license-client/attestation'
import type { CliContext } from '../context.js'
import { CliError, EXIT } from '../errors.js'
import {
  ANALYSIS_TYPES,
  findingRows,
  readBytecodeFile,
  readPcrsFile,
  readRootFile,
  rootFingerprint,
  type AttestationInfo,
} from '../lib/analysis.js'
import { resolveConnection } from '../lib/config.js'
import { ApiClient } from '../lib/http.js'
import { DEFAULT_TIMEOUT_MS } from '../lib/session.js'
import { readLicenseArg, unverifiedIssuer } from '../lib/sources.js'
import { defineCommand, type CommandResult, type GlobalOptions } from './types.js'

/** Input of {@link analyze}. */
export interface AnalyzeInput extends GlobalOptions {
  /** Hex bytecode file. */
  file: string
  type?: string
  /** License key, a file holding it, or `-`; default env TOLLGATE_LICENSE. */
  key?: string
  /** Pinned measurement(s): PCR set JSON or a saved attestation answer. */
  pcrs?: string
  /** Pinned root: PEM, or a saved attestation answer. */
  root?: string
  allowEmulated?: boolean
}

/** Analyses run a worker (and set the runner up on first use): allow more than a plain request. */
const ANALYZE_TIMEOUT_MS = 120_000

const FINDING_COLUMNS = ['severity', 'detector', 'pc', 'opcode', 'reason'].map((key) => ({
  key,
  header: key.toUpperCase(),
}))

interface SignedAnswer {
  signed: unknown
  sandbox?: unknown
}

/**
 * Sends bytecode to the server's enclave runner (`POST /v1/analyze`, authorised by the license
 * key, no admin key) with a fresh nonce, then verifies the signed, attested result locally:
 * against `--root` / `--pcrs` when pinned, otherwise against what the server publishes at
 * `GET /v1/analyze/attestation` (trust on first use). Exit 0 verified, 1 when the request or
 * the verification fails (the verdict names the AttestationError code), 2 on usage errors.
 *
 * @example
 * ```ts
 * const { data, exitCode } = await analyze({ file: 'code.hex', type: 'vulnerability', key: 'license.key', allowEmulated: true }, ctx)
 * ```
 */
export async function analyze(input: AnalyzeInput, ctx: CliContext): Promise<CommandResult> {
  const type = input.type
  if (type === undefined || !(ANALYSIS_TYPES as readonly string[]).includes(type)) {
    throw new CliError('USAGE', `--type must be one of ${ANALYSIS_TYPES.join(', ')}`)
  }
  const bytecode = readBytecodeFile(input.file, ctx)
  const keyArg = input.key ?? ctx.env.TOLLGATE_LICENSE
  if (!keyArg) {
    throw new CliError('USAGE', 'No license key', {
      hint: 'Pass --key <license key|file> or set TOLLGATE_LICENSE',
    })
  }
  const { token } = await readLicenseArg(keyArg, ctx)
  const pinnedPcrs = input.pcrs === undefined ? undefined : readPcrsFile(input.pcrs, ctx)
  const pinnedRoot = input.root === undefined ? undefined : readRootFile(input.root, ctx)
  const { url } = await resolveConnection({ profile: input.profile, url: input.url }, ctx)
  const timeoutMs =
    input.timeout === undefined || input.timeout === DEFAULT_TIMEOUT_MS
      ? ANALYZE_TIMEOUT_MS
      : input.timeout
  const client = new ApiClient({ baseUrl: url, timeoutMs, dispatcher: ctx.dispatcher })
  const notes: string[] = []

  let allowedPcrs: readonly PcrSet[]
  let root: string
  if (pinnedPcrs && pinnedRoot) {
    allowedPcrs = pinnedPcrs
    root = pinnedRoot
  } else {
    const tenant = unverifiedIssuer(token.slice(token.indexOf('-') + 1, token.lastIndexOf('-')))
    const info = await client.get<Partial<AttestationInfo> | undefined>(
      '/v1/analyze/attestation',
      { tenant },
      false,
    )
    if (typeof info?.rootCertificatePem !== 'string' || typeof info.measurement !== 'object') {
      throw new CliError('BAD_RESPONSE', `${url}/v1/analyze/attestation is not attestation info`, {
        hint: 'Is this a Tollgate license server with the analysis feature (issue 8)?',
      })
    }
    allowedPcrs = pinnedPcrs ?? [info.measurement]
    root = pinnedRoot ?? info.rootCertificatePem
    const what = [pinnedPcrs ? undefined : 'measurement', pinnedRoot ? undefined : 'root']
      .filter(Boolean)
      .join(' and ')
    notes.push(
      `Note: trusting the ${what} that ${url} publishes now (trust on first use); save them ` +
        `(GET /v1/analyze/attestation) and pass --pcrs/--root to pin them`,
    )
  }

  const nonce = randomBytes(24).toString('base64url')
  const answer = await client.json<SignedAnswer | undefined>('POST', '/v1/analyze', {
    auth: false,
    body: { key: token, bytecode, analysisType: type, nonce },
  })
  const trust = {
    source: pinnedPcrs && pinnedRoot ? 'pinned' : 'server (trust on first use)',
    allowedPcrs,
    rootSha256: rootFingerprint(root),
  }
  try {
    const { result, attestation } = verifyAnalysisResult(answer?.signed, {
      bytecode,
      nonce,
      allowedPcrs,
      trustedRoots: [root],
      allowEmulated: input.allowEmulated === true,
    })
    const emulated = attestation.emulated
    const data = {
      verified: true,
      ...result,
      timestamp: new Date(result.timestamp).toISOString(),
      emulated,
      sandbox: answer?.sandbox ?? null,
      pcr0: attestation.pcrs[0] ?? null,
      trust,
    }
    const head =
      `VERIFIED  ${result.findings.length} finding(s), ${result.analysisType}, ` +
      `engine ${result.engineVersion}, license ${result.licenseId}` +
      (emulated ? ' (emulated enclave: no hardware isolation)' : '')
    return {
      data,
      blocks: [
        { type: 'text', text: head },
        { type: 'table', columns: FINDING_COLUMNS, rows: findingRows(result.findings) },
      ],
      notes,
    }
  } catch (err) {
    if (!(err instanceof AttestationError)) throw err
    if (err.code === 'EMULATED_NOT_ALLOWED') {
      notes.push(
        'Hint: this server runs the emulated enclave (a development CA on the server host). ' +
          'Pass --allow-emulated to accept it, knowing the host could forge results',
      )
    }
    return {
      data: { verified: false, code: err.code, message: err.message, trust },
      blocks: [{ type: 'text', text: `NOT VERIFIED  ${err.code}  ${err.message}` }],
      notes,
      exitCode: EXIT.FAILED,
    }
  }
}

export const analyzeCommand = defineCommand<AnalyzeInput>({
  path: ['analyze'],
  summary: 'Analyse bytecode in the server enclave and verify the signed, attested result',
  args: ['<file>'],
  options: (cmd) =>
    cmd
      .addOption(
        new Option('--type <type>', 'analysis type')
          .choices([...ANALYSIS_TYPES])
          .makeOptionMandatory(),
      )
      .option('--key <license|file>', 'license key, a file holding it, or - (env TOLLGATE_LICENSE)')
      .option('--pcrs <file>', 'pinned measurement: PCR set JSON or a saved attestation answer')
      .option('--root <file>', 'pinned root certificate: PEM or a saved attestation answer')
      .option('--allow-emulated', 'accept the emulated enclave (development CA, no hardware)'),
  examples: [
    'tollgate analyze Token.hex --type vulnerability --key license.key --allow-emulated',
    'tollgate analyze Bot.hex --type mev --pcrs pins.json --root pins.json --allow-emulated --json',
    'curl -s "$TOLLGATE_URL/v1/analyze/attestation" > pins.json   # pin once, then pass --pcrs/--root',
  ],
  run: analyze,
})
