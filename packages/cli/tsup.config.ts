import { defineConfig } from 'tsup'

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
  },
  {
    // The executable: ESM only (top-level await), with its shebang. It bundles the token codec
    // from source, so the built bin never depends on license-client having been built first.
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    // tweetnacl (bundled with the codec) is CommonJS and calls require('crypto'): give the ESM
    // bundle a real `require`.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __tgRequire } from 'node:module'\nconst require = __tgRequire(import.meta.url)",
    },
    noExternal: ['@tollgate/license-client'],
    esbuildOptions(options) {
      options.conditions = ['tollgate-source', 'node', 'import']
    },
  },
])
