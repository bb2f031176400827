import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config/load-config.js'

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('config from the environment', () => {
  it('has working defaults', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: resolve(process.cwd(), '.tollgate'),
      databaseUrl: undefined,
      logLevel: 'info',
      bodyLimit: 65_536,
      tokenPrefix: 'TG1',
    })
    expect(c.rateLimit.tiers).toEqual({ free: 60, pro: 600, enterprise: 6000 })
  })

  it('converts and validates values', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@h:5432/db',
      TRUST_PROXY: 'true',
      RATE_LIMIT_TIERS: '{"gold":5}',
      LOG_LEVEL: 'warn',
      MASTER_KEY: 'ab'.repeat(32),
    })
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u@h:5432/db',
      trustProxy: 1,
      logLevel: 'warn',
    })
    expect(c.rateLimit.tiers).toEqual({ gold: 5 })
  })

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000)
  })

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ MASTER_KEY: 'short' }, 'MASTER_KEY'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ RATE_LIMIT_TIERS: 'nope' }, 'RATE_LIMIT_TIERS'],
    [{ RATE_LIMIT_TIERS: '{"pro":-1}' }, 'RATE_LIMIT_TIERS'],
    [{ BODY_LIMIT: '1' }, 'BODY_LIMIT'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
  ])('rejects %j naming %s', (env, variable) => {
    const err = errorOf(env)
    expect(err.variable).toBe(variable)
    expect(err.message).toContain(variable)
    expect(err.code).toBe('CONFIG_INVALID')
  })

  it('never echoes a secret value in the message', () => {
    expect(errorOf({ MASTER_KEY: 'supersecretbutshort' }).message).not.toContain('supersecret')
  })
})
