import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';

/** Operator settings, from flags (Kubernetes-style names) with environment fallbacks for the pod's identity. */
export interface Config {
  readonly kubeconfig?: string;
  readonly metricsBindAddress: HostPort;
  readonly healthProbeBindAddress: HostPort;
  readonly leaderElect: boolean;
  readonly leaderElectionNamespace: string;
  readonly leaderElectionId: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly identity: string;
  readonly workers: number;
  /** Every MetricsStack is re-queued this often, to catch drift in what we cannot watch (AWS). */
  readonly resyncPeriodMs: number;
  /** How long the caches may take to fill after the informers start before the operator gives up and exits 1. */
  readonly cacheSyncTimeoutMs: number;
  /** How long a healthy answer from Prometheus is trusted, and so how often a healthy prometheus-adapter is re-checked. */
  readonly prometheusCheckPeriodMs: number;
  /** How long an HPA may sit at maxReplicas (ScalingLimited/TooManyReplicas) with Pending pods before the doctor says so. */
  readonly hpaLimitedAfterMs: number;
  readonly logLevel: string;
  /**
   * AWS region for EKS, IAM and Auto Scaling calls: --aws-region, else $AWS_REGION; absent → spec.cluster.region or
   * the region in the nodes' providerIDs (status.platform.region).
   */
  readonly awsRegion?: string;
  /**
   * The namespaces the operator may create objects in (--managed-namespaces; the chart passes its value
   * managedNamespaces, for which it grants Roles there). A MetricsStack that targets another one is InvalidSpec, and
   * namespaced kinds are watched in these namespaces only. Absent (run outside the chart): every namespace.
   */
  readonly managedNamespaces?: readonly string[];
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `--help` or `-h`: not an error, but no Config either (src/command-line.ts prints the usage). */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}

/** The command-line flags; src/command-line.ts describes each for --help. */
export const FLAGS = {
  kubeconfig: { type: 'string' },
  'metrics-bind-address': { type: 'string', default: '0.0.0.0:8080' },
  'health-probe-bind-address': { type: 'string', default: '0.0.0.0:8081' },
  'leader-elect': { type: 'string', default: 'true' },
  'leader-election-namespace': { type: 'string' },
  'leader-election-id': { type: 'string', default: 'metricsstack-operator' },
  'leader-election-lease-duration': { type: 'string', default: '15s' },
  'leader-election-renew-deadline': { type: 'string', default: '10s' },
  'leader-election-retry-period': { type: 'string', default: '2s' },
  workers: { type: 'string', default: '2' },
  'resync-period': { type: 'string', default: '10m' },
  'prometheus-check-period': { type: 'string', default: '5m' },
  'hpa-limited-after': { type: 'string', default: '10m' },
  'cache-sync-timeout': { type: 'string', default: '2m' },
  'log-level': { type: 'string', default: 'info' },
  'aws-region': { type: 'string' },
  'managed-namespaces': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Pure: argv and env in, Config out, or a ConfigError that names the flag and what it accepts. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readNamespace: () => string | undefined = () => undefined,
): Config {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help) throw new HelpRequested('help requested');
  const leaseDurationMs = duration('leader-election-lease-duration', values['leader-election-lease-duration']);
  const renewDeadlineMs = duration('leader-election-renew-deadline', values['leader-election-renew-deadline']);
  const retryPeriodMs = duration('leader-election-retry-period', values['leader-election-retry-period']);
  if (!(retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationMs)) {
    throw new ConfigError('leader election needs retry-period < renew-deadline < lease-duration');
  }
  const awsRegion = values['aws-region'] ?? env.AWS_REGION;
  if (awsRegion !== undefined && !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/.test(awsRegion)) {
    throw new ConfigError(`--aws-region (or AWS_REGION) must be an AWS region such as us-east-1, got "${awsRegion}"`);
  }
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new ConfigError(`--workers must be an integer from 1 to 64, got "${values.workers}"`);
  if (!['true', 'false'].includes(values['leader-elect'])) throw new ConfigError(`--leader-elect must be true or false, got "${values['leader-elect']}"`);
  return {
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : env.KUBECONFIG ? { kubeconfig: env.KUBECONFIG } : {}),
    metricsBindAddress: hostPort('metrics-bind-address', values['metrics-bind-address']),
    healthProbeBindAddress: hostPort('health-probe-bind-address', values['health-probe-bind-address']),
    leaderElect: values['leader-elect'] === 'true',
    leaderElectionNamespace: values['leader-election-namespace'] ?? env.POD_NAMESPACE ?? readNamespace() ?? 'default',
    leaderElectionId: values['leader-election-id'],
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    identity: env.POD_NAME ?? processIdentity(),
    workers,
    resyncPeriodMs: atLeast('resync-period', duration('resync-period', values['resync-period']), 10_000),
    cacheSyncTimeoutMs: atLeast('cache-sync-timeout', duration('cache-sync-timeout', values['cache-sync-timeout']), 5_000),
    prometheusCheckPeriodMs: atLeast('prometheus-check-period', duration('prometheus-check-period', values['prometheus-check-period']), 5_000),
    hpaLimitedAfterMs: atLeast('hpa-limited-after', duration('hpa-limited-after', values['hpa-limited-after']), 1_000),
    logLevel: values['log-level'],
    ...(awsRegion ? { awsRegion } : {}),
    ...(values['managed-namespaces'] !== undefined ? { managedNamespaces: namespaceList('managed-namespaces', values['managed-namespaces']) } : {}),
  };
}

/** A comma-separated list of namespace names (RFC 1123 labels), each once, in the order given. */
function namespaceList(flag: string, text: string): string[] {
  const names = [...new Set(text.split(',').map((n) => n.trim()).filter(Boolean))];
  const bad = names.find((n) => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(n));
  if (names.length === 0 || bad !== undefined) {
    throw new ConfigError(`--${flag} must list namespace names separated by commas, such as kube-system,monitoring, got "${bad ?? text}"`);
  }
  return names;
}

/**
 * The leader identity without POD_NAME: hostname_pid_suffix. Two pods with hostNetwork share the node's hostname and
 * may both run as pid 1, so hostname and pid alone can collide; with the same identity both would believe they lead.
 */
export const processIdentity = (): string => `${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as the flags of other controllers take them: 500ms, 15s, 10m, 1h30m. */
export function duration(flag: string, text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new ConfigError(`--${flag} must be a duration such as 15s or 10m, got "${text}"`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * (UNITS[p[2]!] ?? 0), 0);
}

/** Zero would turn every requeue off, the verification retries included. */
function atLeast(flag: string, ms: number, min: number): number {
  if (ms < min) throw new ConfigError(`--${flag} must be at least ${min / 1000}s, got ${ms / 1000}s`);
  return ms;
}

function hostPort(flag: string, text: string): HostPort {
  const m = /^(.*):(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new ConfigError(`--${flag} must be host:port (port 0 picks a free one), got "${text}"`);
  return { host: m[1] || '0.0.0.0', port };
}
