/**
 * Where the operator refuses to send its Prometheus probe. prometheusURL is user input fetched from the operator's
 * own pod: pointed at the node's instance-metadata service (169.254.169.254, fd00:ec2::254) or at the pod's
 * loopback, a probe would read what only the operator should see. Checked on every address the host resolves to,
 * before the request and again when the socket connects (a name can resolve differently the second time). Pure.
 */
import { isIP } from 'node:net';

/** Why an address is refused, or undefined when the probe may connect to it. */
export function refusedAddress(address: string): string | undefined {
  const v4 = isIP(address) === 4 ? address : /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (v4) {
    const [a, b] = v4.split('.').map(Number);
    if (a === 127) return 'a loopback address';
    if (a === 169 && b === 254) return 'a link-local address (the cloud\'s instance-metadata range)';
    if (a === 0) return 'an unspecified address';
    return undefined;
  }
  if (isIP(address) !== 6) return undefined;
  // The URL parser writes an IPv6 address in its one canonical form (lower case, longest zero run as ::).
  const v6 = new URL(`http://[${address}]`).hostname.slice(1, -1);
  if (v6 === '::1') return 'a loopback address';
  if (v6 === '::') return 'an unspecified address';
  if (/^fe[89ab][0-9a-f]:/.test(v6)) return 'a link-local address';
  if (v6 === 'fd00:ec2::254') return 'the EC2 instance-metadata address';
  return undefined;
}

/** The message for a refused target: it names the field, the address and what to set instead. */
export function refusedMessage(url: string, address: string, why: string): string {
  return `spec.prometheusAdapter.prometheusURL ${url} resolves to ${address}, ${why}, which the operator does not ask. ` +
    'Point it at the Prometheus Service the cluster\'s pods reach, e.g. http://prometheus-server.monitoring.svc:9090.';
}
