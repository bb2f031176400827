import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toAppError } from '../src/errors/to-app-error.js'
import { seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('audit search at scale', () => {
  it('maps a statement timeout (SQLSTATE 57014) to 503 QUERY_TIMEOUT, never 500', () => {
    const err = Object.assign(new Error('canceling statement due to statement timeout'), {
      code: '57014',
    })
    expect(toAppError(err)).toMatchObject({ code: 'QUERY_TIMEOUT', statusCode: 503 })
    expect(toAppError(new Error('wrapped', { cause: err }))).toMatchObject({
      code: 'QUERY_TIMEOUT',
    })
  })

  it.skipIf(TEST_DB_KIND !== 'postgres')(
    'a search that runs into the statement timeout answers 503 QUERY_TIMEOUT with Retry-After (Postgres)',
    async () => {
      await seedLicense(t) // some audit rows
      const holder = new pg.Client({ connectionString: t.testDb.url })
      await holder.connect()
      try {
        // Another session holds the table: the search waits until the statement timeout fires.
        await holder.query('begin')
        await holder.query('lock table audit_log in access exclusive mode')
        const res = await t.request('GET', '/v1/admin/audit?action=license.create')
        expect(res.statusCode, res.body).toBe(503)
        expect(res.json()).toMatchObject({ code: 'QUERY_TIMEOUT', status: 503 })
        expect(res.headers['retry-after']).toBe('5')
      } finally {
        await holder.query('rollback').catch(() => undefined)
        await holder.end()
      }
    },
    30_000,
  )
})
