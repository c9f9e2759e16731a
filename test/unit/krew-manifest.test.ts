import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { archiveProblems, fillManifest, type PackedFile } from '../../scripts/krew/manifest.js';

const template = readFileSync(new URL('../../plugins/metricsstack.yaml', import.meta.url), 'utf8');
const release = { version: '1.2.3', filename: 'metricsstack-operator-1.2.3.tgz', sha256: 'ab'.repeat(32) };
// What `npm pack --json` lists for this package (package.json "files"; npm adds package.json, README.md and LICENSE).
const packed: PackedFile[] = [
  { path: 'LICENSE', mode: 0o644 }, { path: 'README.md', mode: 0o644 }, { path: 'package.json', mode: 0o644 },
  { path: 'dist/kubectl-metricsstack.js', mode: 0o755 }, { path: 'dist/chunks/chunk-ABC.js', mode: 0o644 },
];

describe('fillManifest', () => {
  it('GIVEN the template WHEN filled THEN version, uri and sha256 are the release\'s and nothing else moves', () => {
    const filled = parse(fillManifest(template, release)) as { spec: { version: string; platforms: Record<string, unknown>[] } };
    const before = parse(template) as typeof filled;
    expect(filled.spec.version).toBe('v1.2.3');
    expect(filled.spec.platforms).toEqual(before.spec.platforms.map((p) => ({ ...p,
      uri: 'https://github.com/metricsstack/metricsstack-operator/releases/download/v1.2.3/metricsstack-operator-1.2.3.tgz',
      sha256: 'ab'.repeat(32) })));
    expect({ ...filled, spec: { ...filled.spec, version: 'x', platforms: [] } }).toEqual({ ...before, spec: { ...before.spec, version: 'x', platforms: [] } });
  });

  it('heads the release\'s manifest with where it came from, not the template\'s placeholder note', () => {
    const filled = fillManifest(template, release);
    expect(filled).toMatch(/^# krew plugin manifest of this release, written by `make krew`/);
    expect(filled).not.toContain('placeholders');
  });

  it('refuses a template without spec.homepage: the release uri is derived from it', () => {
    expect(() => fillManifest(template.replace(/^ {2}homepage: .*\n/m, ''), release)).toThrow(/spec.homepage/);
  });
});

describe('archiveProblems', () => {
  const manifest = fillManifest(template, release);

  it('finds nothing wrong with the archive npm pack makes of this package', () => {
    expect(archiveProblems(manifest, packed)).toEqual([]);
  });

  it('names a files.from that matches nothing (no LICENSE in the archive)', () => {
    expect(archiveProblems(manifest, packed.filter((f) => f.path !== 'LICENSE')))
      .toEqual(['platform 0: files.from package/LICENSE matches nothing in the archive']);
  });

  it('names a bin the archive lacks (dist/ not in package.json "files")', () => {
    expect(archiveProblems(manifest, packed.filter((f) => !f.path.startsWith('dist/')))).toEqual([
      'platform 0: files.from package/dist/* matches nothing in the archive',
      'platform 0: bin kubectl-metricsstack.js is not among the files the manifest installs',
    ]);
  });

  it('names a bin without its executable bit', () => {
    const flat = packed.map((f) => ({ ...f, mode: 0o644 }));
    expect(archiveProblems(manifest, flat)).toEqual(['platform 0: bin kubectl-metricsstack.js is not executable in the archive (mode 644)']);
  });

  it('follows a files.to folder: the bin is looked for where krew moves it', () => {
    const moved = manifest.replace('from: package/dist/*\n          to: .', 'from: package/dist/*\n          to: lib');
    expect(archiveProblems(moved, packed)).toEqual(['platform 0: bin kubectl-metricsstack.js is not among the files the manifest installs']);
    expect(archiveProblems(moved.replace('bin: kubectl-metricsstack.js', 'bin: lib/kubectl-metricsstack.js'), packed)).toEqual([]);
  });
});
