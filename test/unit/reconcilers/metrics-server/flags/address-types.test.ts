import { describe, expect, it } from 'vitest';
import { preferAddressTypes } from '../../../../../src/reconcilers/metrics-server/flags/address-types.js';

describe('preferAddressTypes', () => {
  it('ignores address types metrics-server does not know', () => {
    expect(preferAddressTypes(['InternalIP'], ['SomethingElse']).types).toEqual(['InternalIP']);
  });

  it.each([
    ["the spec's first type, when nodes report it", ['InternalIP', 'Hostname'], ['Hostname', 'InternalIP'], 'InternalIP'],
    ['the first preferred type nodes report, when they lack the first', ['InternalIP', 'Hostname'], ['Hostname'], 'Hostname'],
    ["the nodes' own type, when they report none of the spec's", ['ExternalIP'], ['InternalIP'], 'InternalIP'],
    ["the spec's first type, when no node reports an address yet", ['Hostname', 'InternalIP'], [], 'Hostname'],
  ])('dials %s', (_name, preferred, reported, dialled) => {
    const got = preferAddressTypes(preferred, reported);
    expect(got.dialled).toBe(dialled);
    expect(got.types[0]).toBe(dialled);
  });
});
