import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, duration, parseConfig } from '../../src/config.js';

describe('parseConfig', () => {
  it('gives the documented defaults with no flags', () => {
    const c = parseConfig([], {}, () => 'metricsstack-system');
    expect(c).toMatchObject({
      metricsBindAddress: { host: '0.0.0.0', port: 8080 },
      healthProbeBindAddress: { host: '0.0.0.0', port: 8081 },
      leaderElect: true,
      leaderElectionNamespace: 'metricsstack-system',
      leaderElectionId: 'metricsstack-operator',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      workers: 2,
      resyncPeriodMs: 600_000,
      prometheusCheckPeriodMs: 300_000,
      hpaLimitedAfterMs: 600_000,
      cacheSyncTimeoutMs: 120_000,
    });
  });
  it('takes the pod name and namespace from the downward API environment', () => {
    const c = parseConfig([], { POD_NAME: 'op-1', POD_NAMESPACE: 'ops' });
    expect(c).toMatchObject({ identity: 'op-1', leaderElectionNamespace: 'ops' });
  });
  it('without POD_NAME names itself hostname_pid_suffix, with a random suffix: two pods with hostNetwork can share hostname and pid', () => {
    const [a, b] = [parseConfig([], {}).identity, parseConfig([], {}).identity];
    expect(a).toMatch(new RegExp(`^${hostname()}_${process.pid}_[0-9a-f]{8}$`));
    expect(a).not.toBe(b);
  });
  it('takes the AWS region from --aws-region, else AWS_REGION, else leaves it to the cluster', () => {
    expect(parseConfig(['--aws-region', 'eu-west-1'], { AWS_REGION: 'us-east-1' }).awsRegion).toBe('eu-west-1');
    expect(parseConfig([], { AWS_REGION: 'us-east-1' }).awsRegion).toBe('us-east-1');
    expect(parseConfig([], {}).awsRegion).toBeUndefined();
  });
  it.each([
    ['a region that is not one', ['--aws-region', 'virginia'], /--aws-region \(or AWS_REGION\) must be an AWS region such as us-east-1/],
    ['an unknown flag', ['--leader-election'], /Unknown option '--leader-election'/],
    ['a bad duration', ['--resync-period', '10 minutes'], /--resync-period must be a duration such as 15s/],
    ['a lease shorter than its renew deadline', ['--leader-election-lease-duration', '5s'], /retry-period < renew-deadline < lease-duration/],
    ['zero workers', ['--workers', '0'], /--workers must be an integer from 1 to 64/],
    ['a resync period of zero, which would stop every requeue', ['--resync-period', '0s'], /--resync-period must be at least 10s/],
    ['a Prometheus check period that would poll it constantly', ['--prometheus-check-period', '1s'], /--prometheus-check-period must be at least 5s/],
    ['an HPA limit threshold that is not a duration', ['--hpa-limited-after', '10'], /--hpa-limited-after must be a duration such as 15s or 10m, got "10"/],
    ['an HPA limit threshold of zero, which would call every scale-out blocked', ['--hpa-limited-after', '0s'], /--hpa-limited-after must be at least 1s/],
    ['a bind address without a port', ['--metrics-bind-address', 'localhost'], /--metrics-bind-address must be host:port/],
    ['a yes/no flag spelled otherwise', ['--leader-elect', 'yes'], /--leader-elect must be true or false/],
    ['a cache-sync timeout too short for a real list', ['--cache-sync-timeout', '1s'], /--cache-sync-timeout must be at least 5s/],
    ['a namespace that is not a DNS label', ['--managed-namespaces', 'kube-system,Apps_1'], /--managed-namespaces must list namespace names.*"Apps_1"/],
    ['an empty namespace list', ['--managed-namespaces='], /--managed-namespaces must list namespace names/],
  ])('rejects %s with a message naming the flag', (_n, argv, msg) => {
    expect(() => parseConfig(argv, {})).toThrow(ConfigError);
    expect(() => parseConfig(argv, {})).toThrow(msg);
  });
});

describe('--hpa-limited-after', () => {
  it('sets how long an HPA may sit at maxReplicas with Pending pods before the doctor reports it', () => {
    expect(parseConfig(['--hpa-limited-after', '20s'], {}).hpaLimitedAfterMs).toBe(20_000);
    expect(parseConfig(['--hpa-limited-after=1h30m'], {}).hpaLimitedAfterMs).toBe(5_400_000);
  });
});

describe('--managed-namespaces', () => {
  it('lists the namespaces the operator may write to, once each; unset (outside the chart) means every namespace', () => {
    expect(parseConfig(['--managed-namespaces=kube-system,monitoring,kube-system'], {}).managedNamespaces).toEqual(['kube-system', 'monitoring']);
    expect(parseConfig(['--managed-namespaces', ' apps '], {}).managedNamespaces).toEqual(['apps']);
    expect(parseConfig([], {}).managedNamespaces).toBeUndefined();
  });
});

describe('duration', () => {
  it.each([['500ms', 500], ['15s', 15_000], ['10m', 600_000], ['1h30m', 5_400_000], ['1.5s', 1_500]])('%s is %d ms', (t, ms) => {
    expect(duration('x', t)).toBe(ms);
  });
});
