import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { guardedLookup } from '../../../../src/reconcilers/prometheus-adapter/prometheus-probe.js';
import { refusedAddress } from '../../../../src/reconcilers/prometheus-adapter/prometheus-target.js';

describe('refusedAddress', () => {
  it.each([
    ['169.254.169.254', 'a link-local address (the cloud\'s instance-metadata range)'],
    ['169.254.0.1', 'a link-local address (the cloud\'s instance-metadata range)'],
    ['127.0.0.1', 'a loopback address'],
    ['127.10.0.1', 'a loopback address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::1', 'a loopback address'],
    ['::', 'an unspecified address'],
    ['fe80::1', 'a link-local address'],
    ['fd00:ec2::254', 'the EC2 instance-metadata address'],
    ['FD00:0EC2:0:0:0:0:0:0254', 'the EC2 instance-metadata address'],
    ['::ffff:169.254.169.254', 'a link-local address (the cloud\'s instance-metadata range)'],
    ['::ffff:127.0.0.1', 'a loopback address'],
  ])('refuses %s: %s', (address, why) => {
    expect(refusedAddress(address)).toBe(why);
  });

  it.each(['10.0.0.1', '10.100.3.4', '172.20.0.9', '192.168.1.1', '8.8.8.8', 'fd00::1', '2001:db8::1'])('allows %s', (address) => {
    expect(refusedAddress(address)).toBeUndefined();
  });
});

describe('guardedLookup (the probe\'s sockets)', () => {
  it('refuses at connect time a name that resolves to loopback, so the server is never asked', async () => {
    let asked = 0;
    const server = createServer((_req, res) => { asked++; res.end('{}'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent({ connect: { lookup: guardedLookup } });
    try {
      const port = (server.address() as AddressInfo).port;
      const err = await fetch(`http://localhost:${port}/`, { dispatcher: agent }).then(() => undefined, (e: { cause?: Error }) => e.cause);
      expect(err?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address: not connecting$/);
      expect(asked).toBe(0);
    } finally {
      await agent.close();
      server.close();
    }
  });
});
