import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'

/** Asks a y/N question on a terminal; anything but y/yes is "no". */
export function askConfirm(
  question: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: true })
  return new Promise((resolve) => {
    rl.question(`${question} [y/N] `, (answer) => {
      // Settle before close(): close emits 'close' synchronously, which answers "no".
      resolve(/^y(es)?$/i.test(answer.trim()))
      rl.close()
    })
    // Ctrl-C / Ctrl-D answer "no" rather than leaving the prompt hanging.
    rl.on('close', () => resolve(false))
  })
}

/** Asks for a secret on a terminal without echoing what is typed. */
export function askSecret(
  question: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<string> {
  output.write(question)
  // readline echoes into its output stream; give it one that drops everything.
  const silent = new Writable({ write: (_chunk, _enc, done) => done() })
  const rl = createInterface({ input, output: silent, terminal: true })
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      resolve(answer.trim()) // before close(), which would answer ''
      rl.close()
      output.write('\n')
    })
    rl.on('close', () => resolve(''))
  })
}

/** Reads a whole stream as UTF-8. */
export async function readAll(input: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  }
  return Buffer.concat(chunks).toString('utf8')
}
