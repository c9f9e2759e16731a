/**
 * A release's krew archive and manifest: bundles (scripts/bundle.mjs), runs `npm pack` (package.json `files` decides
 * what ships), hashes the archive and fills plugins/metricsstack.yaml with version, uri and sha256. Refuses (exit 1)
 * when the archive lacks what the manifest's `files` and `bin` name, as krew would at install time.
 *
 *   make krew   (= npm run --silent krew:manifest)
 *   node --experimental-transform-types --no-warnings scripts/run-ts.mjs scripts/krew-manifest.ts [--out DIR]
 *
 * Writes DIR/<package>-<version>.tgz and DIR/metricsstack.yaml (default DIR: .cache/krew); prints both paths.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { archiveProblems, fillManifest, type PackedFile } from './krew/manifest.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: join(repo, '.cache', 'krew') } } });
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: repo, stdio: 'inherit' });
// --offline: packing a folder needs no registry (and the tests run where there is none).
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--offline', '--pack-destination', out],
  { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as [{ version: string; filename: string; files: PackedFile[] }];
const { version, filename, files } = packed[0];
const archive = join(out, filename);
const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');

const manifest = fillManifest(readFileSync(join(repo, 'plugins', 'metricsstack.yaml'), 'utf8'), { version, filename, sha256 });
const problems = archiveProblems(manifest, files);
if (problems.length > 0) {
  console.error(`krew could not install ${filename}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const manifestPath = join(out, 'metricsstack.yaml');
writeFileSync(manifestPath, manifest);
console.log(`archive  ${archive}\nsha256   ${sha256}\nmanifest ${manifestPath}`);
