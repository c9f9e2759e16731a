import { ConfigError, FLAGS, HelpRequested, parseConfig, type Config } from './config.js';

/** What main does with its command line: run with a Config, or print `text` and exit (0 after --help, 2 on a bad flag). */
export type CommandLine = { readonly config: Config } | { readonly exit: 0 | 2; readonly text: string };

/** One line per flag for --help; the type makes a new flag without a description a compile error. */
const FLAG_HELP: Record<keyof typeof FLAGS, string> = {
  kubeconfig: 'kubeconfig file (default: $KUBECONFIG, else the in-cluster ServiceAccount)',
  'metrics-bind-address': 'host:port of /metrics',
  'health-probe-bind-address': 'host:port of /healthz and /readyz',
  'leader-elect': 'true or false: one active replica at a time, through a Lease',
  'leader-election-namespace': "namespace of the Lease (default: $POD_NAMESPACE, else the ServiceAccount's namespace)",
  'leader-election-id': 'name of the Lease',
  'leader-election-lease-duration': 'how long a standby waits before taking over a Lease nobody renews',
  'leader-election-renew-deadline': 'how long the leader keeps trying to renew before it stops leading',
  'leader-election-retry-period': 'how often the Lease is tried',
  workers: 'concurrent reconciles, 1 to 64 (never two on one MetricsStack)',
  'resync-period': 'how often every MetricsStack is re-checked when nothing changed (at least 10s)',
  'prometheus-check-period': 'how long a healthy answer from Prometheus is trusted (at least 5s)',
  'hpa-limited-after': 'how long an HPA may sit at maxReplicas with Pending pods before the doctor reports ScaleOutBlockedPendingPods (at least 1s)',
  'log-level': 'pino level: trace, debug, info, warn, error or fatal',
  'aws-region': "AWS region (default: $AWS_REGION, else spec.cluster.region or the nodes' providerIDs)",
  'cache-sync-timeout': 'how long the caches may take to sync after leading starts; past it the lease is released and the process exits 1',
  'managed-namespaces': 'comma-separated namespaces a MetricsStack may use, others are InvalidSpec (default: all; the chart sets it)',
  help: 'print this help and exit',
};

/** The flags, their defaults and what each does, as --help prints them. */
export function usage(): string {
  const lines = Object.entries(FLAGS).map(([name, o]) => {
    const flag = `${'short' in o ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' <value>' : ''}`;
    const fallback = 'default' in o ? ` (default ${o.default})` : '';
    return `  ${flag.padEnd(46)}${FLAG_HELP[name as keyof typeof FLAGS]}${fallback}`;
  });
  return ['usage: metricsstack-operator [flags]', '', 'flags:', ...lines, ''].join('\n');
}

/** Pure: as Go's flag package does, --help prints the flags, and a bad flag prints its error and the flags (exit 2). */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>,
  readNamespace?: () => string | undefined): CommandLine {
  try {
    return { config: parseConfig(argv, env, readNamespace) };
  } catch (err) {
    if (err instanceof HelpRequested) return { exit: 0, text: usage() };
    if (err instanceof ConfigError) return { exit: 2, text: `metricsstack-operator: ${err.message}\n${usage()}` };
    throw err;
  }
}
