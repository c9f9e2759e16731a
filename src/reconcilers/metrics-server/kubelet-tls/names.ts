import { isIP } from 'node:net';
import type { X509Certificate } from 'node:crypto';

/** A certificate's subject alternative names, written the way Go's crypto/x509 prints them in its errors. */
export interface SubjectAltNames {
  readonly dnsNames: string[];
  /** As Go's net.IP.String(): dotted IPv4 (also for IPv4-mapped IPv6), compressed lower-case IPv6. */
  readonly ipAddresses: string[];
}

// One entry of Node's subjectAltName text: `DNS:name`, `IP Address:FD00:0:0:0:0:0:0:1`; odd values come JSON-quoted.
const SAN_ENTRY = /([A-Za-z ]+):("(?:\\.|[^"\\])*"|[^,]*)(?:, |$)/g;

/** The certificate's SANs, or undefined when it has no subjectAltName extension at all (Go then tries the CN). */
export function subjectAltNames(cert: X509Certificate): SubjectAltNames | undefined {
  if (cert.subjectAltName === undefined) return undefined;
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const [, type, raw] of cert.subjectAltName.matchAll(SAN_ENTRY)) {
    const value = raw!.startsWith('"') ? (JSON.parse(raw!) as string) : raw!;
    if (type === 'DNS') dnsNames.push(value);
    else if (type === 'IP Address') ipAddresses.push(goIPString(value));
  }
  return { dnsNames, ipAddresses };
}

/** An IP address as Go's net.IP.String() prints it; anything that is not an IP comes back unchanged. */
export function goIPString(ip: string): string {
  if (isIP(ip) === 4) return ip;
  if (isIP(ip) !== 6) return ip;
  const groups = expandIPv6(ip);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  // Compress the first longest run of two or more zero groups to "::" (RFC 5952, as Go does).
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

function expandIPv6(ip: string): number[] {
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The subject's CN, which Go consults only to say it "relies on legacy Common Name field". */
export function commonName(cert: X509Certificate): string | undefined {
  return cert.subject.split('\n').find((line) => line.startsWith('CN='))?.slice(3);
}

/** Go's matchHostnames: case-insensitive, label by label, with `*` allowed as the whole left-most label. */
export function matchHostnames(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '').split('.');
  const h = host.toLowerCase().replace(/\.$/, '').split('.');
  if (!pattern || !host || p.length !== h.length) return false;
  return p.every((label, i) => (i === 0 && label === '*') || label === h[i]);
}
