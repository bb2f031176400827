import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // import.meta.url locates dist-worker/ from the CJS build too.
  shims: true,
  // esbuild is only needed to bundle the worker from source; never inline it.
  external: ['esbuild'],
})
