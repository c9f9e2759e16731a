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

  it('sets the same malloc environment', () => {
    const env = Object.fromEntries([...dockerfile.matchAll(/^ENV (.+)$/gm)].flatMap((m) => m[1]!.split(/\s+/).map((kv) => kv.split('=') as [string, string])));
    expect(env).toMatchObject(IMAGE_ENV);
  });
});
