import { describe, expect, it } from 'vitest';
import { parseCommandLine, usage } from '../../src/command-line.js';
import { FLAGS } from '../../src/config.js';

describe('the command line', () => {
  it('runs with a Config when the flags are good', () => {
    const r = parseCommandLine(['--workers', '3'], { POD_NAME: 'op-1' });
    expect(r).toMatchObject({ config: { workers: 3, identity: 'op-1' } });
  });
  it.each([['--help'], ['-h']])('prints every flag with its default after %s, and exits 0', (flag) => {
    const r = parseCommandLine([flag], {});
    expect(r).toEqual({ exit: 0, text: usage() });
    for (const name of Object.keys(FLAGS)) expect(usage()).toContain(`--${name}`);
    expect(usage()).toMatch(/--resync-period <value> +how often .* \(default 10m\)\n/);
  });
  it('exits 2 on an unknown flag, naming it, then the flags', () => {
    const r = parseCommandLine(['--leader-election'], {});
    expect(r).toMatchObject({ exit: 2 });
    expect('text' in r && r.text).toBe(`metricsstack-operator: Unknown option '--leader-election'\n${usage()}`);
  });
  it('exits 2 on a bad value too', () => {
    expect(parseCommandLine(['--workers', '0'], {})).toMatchObject({ exit: 2, text: expect.stringMatching(/^metricsstack-operator: --workers must be/) });
  });
});
