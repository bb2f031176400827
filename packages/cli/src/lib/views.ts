import type { CommandResult } from '../commands/types.js'
import type { Column } from './output.js'
import { moreNote, type Page } from './list.js'

type Obj = Record<string, unknown>

/** A single object: `--json` prints it, humans get aligned key/value lines. */
export function recordResult(record: Obj, extra?: string): CommandResult {
  return {
    data: record,
    blocks: [
      { type: 'record', record },
      ...(extra ? [{ type: 'text' as const, text: extra }] : []),
    ],
  }
}

/**
 * A list page: `--json` prints `{ items, nextCursor }`, humans get the table (of `rows` when
 * given: the items with looked-up fields such as customer names).
 */
export function pageResult(
  page: Page,
  columns: Column[],
  rows: readonly Obj[] = page.items,
): CommandResult {
  return {
    data: page,
    blocks: [{ type: 'table', columns, rows }],
    notes: moreNote(page),
  }
}

/** `{ license, token }` answers (issue, reissue): the record, then the key on its own line. */
export function licenseWithToken(
  res: { license: Obj; token: string },
  verb: string,
): CommandResult {
  return {
    data: res,
    blocks: [
      { type: 'record', record: res.license },
      { type: 'text', text: `License key (${verb}; send it to the customer):\n${res.token}` },
    ],
  }
}

/** A past-tense confirmation line plus the updated object. */
export function changedResult(record: Obj, text: string): CommandResult {
  return {
    data: record,
    blocks: [
      { type: 'text', text },
      { type: 'record', record },
    ],
  }
}
