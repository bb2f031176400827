import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server'
import type { FastifyRequest } from 'fastify'
import { expectedOrigin } from '../web/csrf.js'
import { PageError } from '../web/page-error.js'
import type { StaffAccountRow, StaffPasskeyRow } from './staff.table.js'

/** The relying party of the request: our origin and its host name. */
export function relyingParty(request: FastifyRequest): { origin: string; rpID: string } {
  const origin = expectedOrigin(request)
  return { origin, rpID: new URL(origin).hostname }
}

/**
 * Options for registering a new passkey of `staff` (existing ones excluded).
 *
 * @example
 * ```ts
 * const options = await passkeyRegistrationOptions(request, staff, passkeys)
 * ```
 */
export function passkeyRegistrationOptions(
  request: FastifyRequest,
  staff: StaffAccountRow,
  existing: StaffPasskeyRow[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: 'Tollgate console',
    rpID: relyingParty(request).rpID,
    userName: staff.email,
    userDisplayName: staff.name,
    userID: new TextEncoder().encode(staff.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({
      id: p.id,
      transports: p.transports as AuthenticatorTransportFuture[],
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    timeout: 120_000,
  })
}

/**
 * Verifies a registration answer against the challenge we issued.
 *
 * @example
 * ```ts
 * const cred = await verifyPasskeyRegistration(request, body, challenge)
 * ```
 */
export async function verifyPasskeyRegistration(
  request: FastifyRequest,
  response: unknown,
  challenge: string,
): Promise<{ id: string; publicKey: string; counter: number; transports: string[] }> {
  const rp = relyingParty(request)
  try {
    const result = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
    })
    if (!result.verified) throw new PageError('BAD_INPUT', 'The passkey could not be verified')
    const c = result.registrationInfo.credential
    return {
      id: c.id,
      publicKey: Buffer.from(c.publicKey).toString('base64url'),
      counter: c.counter,
      transports: c.transports ?? [],
    }
  } catch (err) {
    if (err instanceof PageError) throw err
    throw new PageError('BAD_INPUT', 'The passkey could not be verified', { cause: err })
  }
}

/**
 * Options for a sign-in with any passkey of this site (discoverable credentials).
 *
 * @example
 * ```ts
 * const options = await passkeyLoginOptions(request)
 * ```
 */
export function passkeyLoginOptions(
  request: FastifyRequest,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: relyingParty(request).rpID,
    userVerification: 'required',
    timeout: 120_000,
  })
}

/**
 * Verifies a sign-in answer for a stored passkey; returns the new signature counter.
 *
 * @example
 * ```ts
 * const counter = await verifyPasskeyLogin(request, body, challenge, passkey)
 * ```
 */
export async function verifyPasskeyLogin(
  request: FastifyRequest,
  response: AuthenticationResponseJSON,
  challenge: string,
  passkey: StaffPasskeyRow,
): Promise<number> {
  const rp = relyingParty(request)
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
      credential: {
        id: passkey.id,
        publicKey: Buffer.from(passkey.public_key, 'base64url'),
        counter: Number(passkey.counter),
        transports: passkey.transports as AuthenticatorTransportFuture[],
      },
    })
    if (!result.verified) throw new PageError('BAD_INPUT', 'The passkey could not be verified')
    return result.authenticationInfo.newCounter
  } catch (err) {
    if (err instanceof PageError) throw err
    throw new PageError('BAD_INPUT', 'The passkey could not be verified', { cause: err })
  }
}
