import type { ApiClient } from './http.js'

/** A page of a list endpoint. */
export interface Page<T = Record<string, unknown>> {
  items: T[]
  nextCursor: string | null
}

/** Paging flags every `list` command has. */
export interface ListOptions {
  limit?: number
  cursor?: string
  all?: boolean
}

/** Fetches one page, or with `--all` follows `nextCursor` to the end. */
export async function fetchList<T = Record<string, unknown>>(
  client: ApiClient,
  path: string,
  query: Record<string, string | number | undefined>,
  opts: ListOptions,
): Promise<Page<T>> {
  const items: T[] = []
  let cursor = opts.cursor
  for (;;) {
    const page = await client.get<Page<T> | T[]>(path, { ...query, limit: opts.limit, cursor })
    // A bare array is a complete, unpaged list.
    if (Array.isArray(page)) return { items: [...items, ...page], nextCursor: null }
    items.push(...(page.items ?? []))
    cursor = page.nextCursor ?? undefined
    if (!opts.all || !cursor) return { items, nextCursor: cursor ?? null }
  }
}

/** The stderr note telling a human how to get the next page. */
export function moreNote(page: Page<unknown>): string[] {
  return page.nextCursor ? [`More results: add --cursor ${page.nextCursor} (or --all)`] : []
}
