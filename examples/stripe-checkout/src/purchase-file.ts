import { readFile, rename, writeFile } from 'node:fs/promises'
import type { Purchase } from './events.js'

/** The sample events' ids (subscription, customer, price…) kept between `send-event` runs. */
export async function readPurchase(file: string): Promise<Purchase> {
  return JSON.parse(await readFile(file, 'utf8')) as Purchase
}

/** Writes the purchase atomically (temp file + rename). */
export async function writePurchase(file: string, p: Purchase): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(p, null, 2) + '\n')
  await rename(tmp, file)
}
