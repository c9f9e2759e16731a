import { describe, expect, it } from 'vitest';
import { goIPString, matchHostnames } from '../../../../../src/reconcilers/metrics-server/kubelet-tls/names.js';

describe('goIPString', () => {
  it.each([
    ['IPv4 stays dotted', '10.0.1.23', '10.0.1.23'],
    ["Node's expanded upper-case IPv6 is compressed and lower-cased", 'FD00:0:0:0:0:0:0:1', 'fd00::1'],
    ['the first of two equally long zero runs is compressed', '2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['a single zero group is not compressed', '2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['IPv4-mapped IPv6 prints as IPv4', '0:0:0:0:0:FFFF:A01:101', '10.1.1.1'],
    ['dotted IPv4-mapped input prints as IPv4', '::ffff:10.1.1.1', '10.1.1.1'],
    ['the unspecified address', '0:0:0:0:0:0:0:0', '::'],
    ['a host name is left alone', 'ip-10-0-1-23.ec2.internal', 'ip-10-0-1-23.ec2.internal'],
  ])('%s', (_name, input, want) => expect(goIPString(input)).toBe(want));
});

describe('matchHostnames', () => {
  it.each([
    ['the same name in another case', 'IP-10-0-1-23.ec2.internal', 'ip-10-0-1-23.ec2.internal.', true],
    ['a wildcard for one left-most label', '*.ec2.internal', 'ip-10-0-1-23.ec2.internal', true],
    ['a wildcard does not span two labels', '*.internal', 'ip-10-0-1-23.ec2.internal', false],
    ['an empty pattern matches nothing', '', 'node', false],
  ])('%s', (_name, pattern, host, want) => expect(matchHostnames(pattern, host)).toBe(want));
});
