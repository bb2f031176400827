import { describe, expect, it } from 'vitest'
import { hasNativeEd25519 } from '@tollgate/license-client'
// Engine internals are tested directly: the vectors are raw signatures, not license tokens.
import { preparePublicKey, verifyEd25519 } from '../src/lib/ed25519.js'
import { sharedVector } from './helpers.js'

interface Suite {
  numberOfTests: number
  testGroups: {
    publicKey: { pk: string }
    tests: {
      tcId: number
      comment: string
      msg: string
      sig: string
      result: 'valid' | 'invalid' | 'acceptable'
    }[]
  }[]
}

const { data: suite, skip } = sharedVector<Suite>('wycheproof-ed25519.json')
const cases = (suite?.testGroups ?? []).flatMap((g) =>
  g.tests.map((t) => ({ ...t, pk: g.publicKey.pk })),
)

// The project's own S+L and RFC 8032 tests (rfc8032.test.ts, token.test.ts) run either way.
describe.skipIf(skip !== undefined)(
  `Wycheproof Ed25519 (shared/test-vectors)${skip ? ` — ${skip}` : ''}`,
  () => {
    it('reads all 151 cases from ../shared', () => {
      expect(cases).toHaveLength(suite?.numberOfTests ?? -1)
      expect(cases).toHaveLength(151)
    })

    it('native engine is available on Node 20', () => {
      expect(hasNativeEd25519()).toBe(true)
    })

    for (const engine of ['native', 'tweetnacl'] as const) {
      it.each(cases)(`${engine} #$tcId $comment -> $result`, ({ pk, msg, sig, result }) => {
        const key = preparePublicKey(Buffer.from(pk, 'hex'))
        const ok = verifyEd25519(Buffer.from(msg, 'hex'), Buffer.from(sig, 'hex'), key, engine)
        expect(ok).toBe(result === 'valid')
      })
    }
  },
)
