import { describe, expect, it } from 'vitest';
import { runKubectl } from '../../support/kubectl.js';

describe('runKubectl', () => {
  it('resolves with the exit code when the program exits before reading its stdin (no unhandled write EPIPE)', async () => {
    // `true` exits at once without reading: writing 4 MiB to its stdin fails with EPIPE, as it did with a kubectl
    // that gave up while the apiserver was down. vitest fails the run on any unhandled error.
    const r = await runKubectl('true', ['apply', '-f', '-'], { input: 'x'.repeat(4 * 1024 * 1024) });
    expect(r.code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100)); // let a late 'error' event surface, if any
  });
});
