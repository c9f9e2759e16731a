// Bundles the operator into one ESM file: bundled, client-node's resident memory is ~78 MB instead of ~138 MB
// (DESIGN.md, "Runtime"), and the image needs no node_modules of its own.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  // Dynamic imports (the AWS SDK, the X.509 library) become chunks loaded on first use, not at start-up.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
