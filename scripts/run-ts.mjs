// Runs a TypeScript script (with its `.js` import specifiers) on Node 24 by bundling it to a temp file first:
// Node's own type stripping does not map `.js` specifiers back to `.ts` sources.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
if (!entry) throw new Error('usage: node scripts/run-ts.mjs <file.ts> [args...]');
// Inside node_modules so the bundle's bare imports resolve to this project's packages.
const dir = mkdtempSync(join(process.cwd(), 'node_modules', '.run-ts-'));
const outfile = join(dir, 'main.mjs');
await build({
  entryPoints: [resolve(entry)], outfile, bundle: true, platform: 'node', target: 'node24', format: 'esm',
  packages: 'external', logLevel: 'warning', absWorkingDir: process.cwd(),
});
process.argv = [process.argv[0], resolve(entry), ...args];
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
