import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config/load-config.js'

describe('billing configuration from the environment', () => {
  it('is off by default: no Stripe, log sender, jobs on their default periods', () => {
    const { billing } = loadConfig({})
    expect(billing).toMatchObject({
      stripeSecretKey: undefined,
      stripeWebhookSecret: undefined,
      webhookToleranceS: 300,
      stripeApi: {},
      smtp: undefined,
      sweepIntervalS: 300,
      outboxIntervalS: 30,
      outboxMaxAttempts: 8,
    })
  })

  it('reads Stripe, redirect, job and SMTP settings', () => {
    const { billing } = loadConfig({
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      STRIPE_WEBHOOK_TOLERANCE_S: '120',
      STRIPE_API_HOST: 'localhost',
      STRIPE_API_PORT: '12111',
      STRIPE_API_PROTOCOL: 'http',
      BILLING_CHECKOUT_SUCCESS_URL: 'https://v.example/ok',
      BILLING_SWEEP_INTERVAL_S: '0',
      SMTP_HOST: 'smtp.v.example',
      SMTP_USER: 'u',
      SMTP_PASSWORD: 'p',
      SMTP_FROM: 'licenses@v.example',
    })
    expect(billing).toMatchObject({
      stripeSecretKey: 'sk_test_123',
      stripeWebhookSecret: 'whsec_abc',
      webhookToleranceS: 120,
      stripeApi: { host: 'localhost', port: 12111, protocol: 'http' },
      checkoutSuccessUrl: 'https://v.example/ok',
      sweepIntervalS: 0,
      smtp: {
        host: 'smtp.v.example',
        secure: false,
        user: 'u',
        password: 'p',
        from: 'licenses@v.example',
      },
    })
  })

  it('names the bad variable and never echoes a secret', () => {
    let err: unknown
    try {
      loadConfig({ STRIPE_API_PROTOCOL: 'ftp', STRIPE_WEBHOOK_SECRET: 'whsec_topsecret' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).variable).toBe('STRIPE_API_PROTOCOL')
    expect((err as ConfigError).message).not.toContain('whsec_topsecret')
  })
})
