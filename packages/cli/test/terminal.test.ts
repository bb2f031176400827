import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { askConfirm, askSecret, readAll } from '../src/lib/terminal.js'

function streams(): { input: PassThrough; output: PassThrough; written: () => string } {
  const input = new PassThrough()
  const output = new PassThrough()
  let text = ''
  output.on('data', (c: Buffer) => (text += c.toString()))
  return { input, output, written: () => text }
}

describe('prompts', () => {
  it('confirm: y/yes is yes, anything else or end of input is no', async () => {
    for (const [typed, expected] of [
      ['y\n', true],
      ['YES\n', true],
      ['n\n', false],
      ['\n', false],
    ] as const) {
      const s = streams()
      const answer = askConfirm('Revoke?', s.input, s.output)
      s.input.write(typed)
      expect(await answer).toBe(expected)
      expect(s.written()).toContain('Revoke? [y/N] ')
    }
    const s = streams()
    const answer = askConfirm('Revoke?', s.input, s.output)
    s.input.end()
    expect(await answer).toBe(false)
  })

  it('secret: answers what was typed without echoing it', async () => {
    const s = streams()
    const answer = askSecret('API key: ', s.input, s.output)
    s.input.write('tg_admin_topsecret\n')
    expect(await answer).toBe('tg_admin_topsecret')
    expect(s.written()).toBe('API key: \n')
  })

  it('reads all of stdin', async () => {
    const input = new PassThrough()
    const text = readAll(input)
    input.end('a\nb')
    expect(await text).toBe('a\nb')
  })
})
