/**
 * The krew manifest of a release, from the template plugins/metricsstack.yaml and what `npm pack` wrote: pure, so the
 * filling and the archive check are unit-tested without npm (scripts/krew-manifest.ts does the I/O).
 */
import { isMap, parseDocument } from 'yaml';

/** One file of the archive as `npm pack --json` lists it: path without the tarball's `package/` folder. */
export interface PackedFile { readonly path: string; readonly mode: number }

export interface Release {
  /** package.json's version, without a leading v. */
  readonly version: string;
  /** The archive's file name (`npm pack`'s `filename`). */
  readonly filename: string;
  readonly sha256: string;
}

interface Platform { uri?: string; sha256?: string; bin?: string; files?: { from: string; to?: string }[] }

export const GENERATED_NOTE = ' krew plugin manifest of this release, written by `make krew` (scripts/krew-manifest.ts) from\n' +
  ' plugins/metricsstack.yaml and the archive `npm pack` made: do not edit.';

/**
 * The template with spec.version, and every platform's uri and sha256, set for this release. The uri is where the
 * release publishes the archive: `<homepage>/releases/download/v<version>/<filename>`.
 */
export function fillManifest(template: string, r: Release): string {
  const doc = parseDocument(template);
  const homepage = String(doc.getIn(['spec', 'homepage']) ?? '').replace(/\/+$/, '');
  if (homepage === '') throw new Error('the template has no spec.homepage to derive the release uri from');
  const platforms = (doc.getIn(['spec', 'platforms']) as { items?: unknown[] } | undefined)?.items ?? [];
  if (platforms.length === 0) throw new Error('the template has no spec.platforms');
  doc.setIn(['spec', 'version'], `v${r.version}`);
  platforms.forEach((_, i) => {
    doc.setIn(['spec', 'platforms', i, 'uri'], `${homepage}/releases/download/v${r.version}/${r.filename}`);
    doc.setIn(['spec', 'platforms', i, 'sha256'], r.sha256);
  });
  // The template's header speaks of placeholders: the release's says where it came from instead.
  const first = isMap(doc.contents) ? doc.contents.items[0]?.key : undefined;
  if (first && typeof first === 'object' && 'commentBefore' in first) first.commentBefore = GENERATED_NOTE;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * What krew would not find in the archive, one sentence each: a `files.from` glob that matches nothing (krew's
 * filepath.Glob over the unpacked tarball, whose root folder is `package/`), a `bin` that no `files` entry moves into
 * place, or a `bin` without its executable bit. Empty when krew can install the archive.
 */
export function archiveProblems(manifest: string, packed: readonly PackedFile[]): string[] {
  const platforms = (parseDocument(manifest).toJS() as { spec?: { platforms?: Platform[] } }).spec?.platforms ?? [];
  const entries = packed.map((f) => ({ segments: ['package', ...f.path.split('/')], mode: f.mode }));
  return platforms.flatMap((p, i) => {
    const problems: string[] = [];
    const placed = new Map<string, number>();
    for (const { from, to = '.' } of p.files ?? []) {
      const pattern = from.split('/');
      const hits = entries.filter((e) => e.segments.length >= pattern.length && pattern.every((s, j) => globSegment(s).test(e.segments[j]!)));
      if (hits.length === 0) problems.push(`platform ${i}: files.from ${from} matches nothing in the archive`);
      // krew moves each match (file or folder) into `to` under its own name.
      for (const h of hits) placed.set(normalize([...to.split('/'), ...h.segments.slice(pattern.length - 1)]), h.mode);
    }
    const bin = normalize((p.bin ?? '').split('/'));
    const mode = placed.get(bin);
    if (mode === undefined) problems.push(`platform ${i}: bin ${p.bin ?? '(none)'} is not among the files the manifest installs`);
    else if ((mode & 0o111) === 0) problems.push(`platform ${i}: bin ${bin} is not executable in the archive (mode ${mode.toString(8)})`);
    return problems;
  });
}

const normalize = (segments: string[]) => segments.filter((s) => s !== '' && s !== '.').join('/');

/** One path segment of a Go filepath.Glob pattern (`*`, `?`; no `/`) as a regular expression. */
function globSegment(s: string): RegExp {
  const body = s.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}
