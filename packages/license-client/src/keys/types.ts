import type { KeyObject } from 'node:crypto'

/** A public Ed25519 key as a JWK (RFC 8037), as served in a JWKS. */
export interface PublicJwk {
  kty: 'OKP'
  crv: 'Ed25519'
  x: string
  kid: string
  alg?: 'EdDSA'
  use?: 'sig'
}

/** A private Ed25519 key as a JWK: the public members plus the seed `d`. */
export interface PrivateJwk extends PublicJwk {
  d: string
}

/** A JSON Web Key Set of Ed25519 public keys. */
export interface Jwks {
  keys: PublicJwk[]
}

/** What signing needs: the private key and the `kid` that names its public half. */
export interface SigningKey {
  kid: string
  privateKey: KeyObject
}

/** A freshly generated (or imported) key pair. */
export interface Ed25519KeyPair extends SigningKey {
  publicKey: KeyObject
}
