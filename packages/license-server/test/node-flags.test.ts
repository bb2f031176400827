import { describe, expect, it } from 'vitest'
import { missingNodeFlags, RECOMMENDED_NODE_FLAGS } from '../src/system/node-flags.js'

describe('missingNodeFlags', () => {
  it('names every recommended flag for a plain node process', () => {
    expect(missingNodeFlags([], '')).toEqual([...RECOMMENDED_NODE_FLAGS])
    expect(missingNodeFlags(['--conditions=tollgate-source'], '--enable-source-maps')).toEqual([
      '--max-semi-space-size=64',
    ])
  })

  it('accepts the flag from the command line or NODE_OPTIONS, in either spelling', () => {
    expect(missingNodeFlags(['--max-semi-space-size=64'], '')).toEqual([])
    expect(missingNodeFlags([], '--inspect  --max-semi-space-size=64')).toEqual([])
    expect(missingNodeFlags(['--max_semi_space_size=64'], '')).toEqual([])
  })

  it('counts an operator-chosen value as set', () => {
    expect(missingNodeFlags(['--max-semi-space-size=32'], '')).toEqual([])
  })

  it('does not mistake a similar flag for the recommended one', () => {
    expect(missingNodeFlags(['--min-semi-space-size=64', '--max-old-space-size=4096'], '')).toEqual(
      ['--max-semi-space-size=64'],
    )
  })
})
