/** `kubectl metricsstack` command line: pure, so usage errors (exit 2) are unit-tested without a cluster. */
import { parseArgs as parseNodeArgs } from 'node:util';
import { duration } from '../config.js';

export const USAGE = `kubectl metricsstack doctor — why each HPA does or does not scale, read-only

Usage:
  kubectl metricsstack doctor [-o table|json] [--kubeconfig PATH] [--context NAME] [--limited-after DURATION]
                              [--aws] [--cluster NAME] [--region REGION] [--autoscaler-service-account NS/NAME]

Checks, with your kubeconfig (operator installed or not): the aggregation layer's ConfigMap, the metrics APIServices
(metrics, custom, external) and who serves them; metrics-server's flags against the kubelets' serving certificates
(read by a TLS handshake from this machine) and address types, and its pods on Fargate, each fix in the terms of
whoever installed it (EKS add-on, Helm, manifests, the operator); and every autoscaling/v2 HPA's root cause with its fix.

With AWS (--aws, or AWS credentials and a region in the environment on an EKS cluster; read-only calls): the Fargate
profiles that select metrics-server's pods, and the IRSA trust policy of Cluster Autoscaler's service account.
  --cluster NAME    EKS cluster name (default: the nodes' label, else the region's only cluster)
  --region REGION   AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, else the nodes' providerIDs)
  --autoscaler-service-account NS/NAME   Cluster Autoscaler's service account (default kube-system/cluster-autoscaler)

--limited-after (default 10m, as the operator's --hpa-limited-after): an HPA at maxReplicas with Pending pods for this
long is reported as ScaleOutBlockedPendingPods, with Cluster Autoscaler's status.

Exit status: 0 all well, 1 findings, 2 usage error (or the cluster could not be read).
`;

/** Where Cluster Autoscaler's service account is looked for unless told otherwise. */
export const DEFAULT_AUTOSCALER_SERVICE_ACCOUNT = { namespace: 'kube-system', name: 'cluster-autoscaler' } as const;

export interface DoctorArgs {
  readonly output: 'table' | 'json';
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  /** Check AWS even without credentials or a region in the environment. */
  readonly aws: boolean;
  readonly cluster?: string | undefined;
  readonly region?: string | undefined;
  readonly autoscalerServiceAccount: { readonly namespace: string; readonly name: string };
  /** --limited-after in ms; undefined: the doctor's default (LIMITED_LONG_MS). */
  readonly limitedAfterMs?: number | undefined;
}

export type Parsed = { readonly args: DoctorArgs } | { readonly exit: 0 | 2; readonly text: string };

export function parseArgs(argv: readonly string[]): Parsed {
  let parsed;
  try {
    // Node's own parser: --flag value, --flag=value, -o json; an unknown flag or a missing value throws.
    parsed = parseNodeArgs({ args: [...argv], allowPositionals: true, strict: true, options: {
      output: { type: 'string', short: 'o', default: 'table' }, kubeconfig: { type: 'string' }, context: { type: 'string' },
      aws: { type: 'boolean', default: false }, cluster: { type: 'string' }, region: { type: 'string' },
      'autoscaler-service-account': { type: 'string' }, 'limited-after': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (err) {
    return { exit: 2, text: `${(err as Error).message}\n\n${USAGE}` };
  }
  const { values, positionals } = parsed;
  if (values.help) return { exit: 0, text: USAGE };
  if (positionals.length === 0) return { exit: 2, text: USAGE };
  if (positionals.join(' ') !== 'doctor') return { exit: 2, text: `unknown command "${positionals.join(' ')}"\n\n${USAGE}` };
  const output = values.output;
  if (output !== 'table' && output !== 'json') return { exit: 2, text: `-o must be table or json, not "${output}"\n` };
  const limitedAfter = values['limited-after'];
  let limitedAfterMs: number | undefined;
  try {
    limitedAfterMs = limitedAfter === undefined ? undefined : duration('limited-after', limitedAfter);
  } catch (err) {
    return { exit: 2, text: `${(err as Error).message}\n` };
  }
  if (limitedAfterMs !== undefined && limitedAfterMs < 1000) return { exit: 2, text: `--limited-after must be at least 1s, got ${limitedAfter}\n` };
  const sa = values['autoscaler-service-account'];
  const [namespace, name, ...rest] = sa?.split('/') ?? [];
  if (sa !== undefined && (!namespace || !name || rest.length > 0)) {
    return { exit: 2, text: `--autoscaler-service-account must be NAMESPACE/NAME, not "${sa}"\n` };
  }
  return { args: {
    output, kubeconfig: values.kubeconfig, context: values.context, aws: values.aws, cluster: values.cluster, region: values.region,
    autoscalerServiceAccount: namespace && name ? { namespace, name } : DEFAULT_AUTOSCALER_SERVICE_ACCOUNT, limitedAfterMs,
  } };
}
