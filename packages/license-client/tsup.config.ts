import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    errors: 'src/errors.ts',
    attestation: 'src/attestation/index.ts',
    fastify: 'src/fastify.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // Shared chunks in CJS too, so LicenseError is one class across the main and /errors entries.
  splitting: true,
  target: 'node20',
})
