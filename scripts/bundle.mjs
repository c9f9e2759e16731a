// Bundles the operator into one ESM file: bundled, client-node's resident memory is ~78 MB instead of ~138 MB
// (DESIGN.md, "Runtime"), and the image needs no node_modules of its own.
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: a stale chunk from an earlier build would ship in the image unless dist/ starts empty.
rmSync('dist', { recursive: true, force: true });

/**
 * client-node's modules only define things, but its package.json does not say so (no "sideEffects"), so esbuild keeps
 * every module its index reaches: importing KubeConfig alone kept all ~900 generated model classes and API classes,
 * about 10 MB of the operator's resident memory (measured 2026-12-03, a bundle of KubeConfig alone: 74.0 → 65.2 MB).
 * Marked side-effect free, only the modules the operator's imports reach are bundled.
 */
const clientNodeHasNoSideEffects = {
  name: 'client-node-has-no-side-effects',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolved' || args.kind === 'entry-point') return undefined;
      const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolved' });
      if (r.errors.length > 0 || !r.path.includes('/node_modules/@kubernetes/client-node/')) return undefined;
      return { path: r.path, sideEffects: false };
    });
  },
};

await build({
  entryPoints: { main: 'src/main.ts', 'kubectl-metricsstack': 'src/plugin/main.ts' },
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
  // V8 keeps the source of every loaded module in the heap, as one string per file: without comments and blank space
  // (and so without the non-ASCII characters in some comments, which make V8 store a file two bytes per character)
  // the main bundle's source costs ~1.6 MB instead of ~7 MB. Identifiers stay unminified: stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  logLevel: 'warning',
  plugins: [clientNodeHasNoSideEffects],
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

// The kubectl plugin is run from PATH (package.json bin, krew): it must be executable.
chmodSync('dist/kubectl-metricsstack.js', 0o755);
