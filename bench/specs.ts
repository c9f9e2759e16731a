import type { SeededEks } from '../test/support/aws-seed.js';

/** The MetricsStack specs the scenarios apply. All name the seeded EKS cluster, so no scenario depends on discovery. */
const cluster = { name: 'demo', region: 'us-east-1' };

/** provider none: the reconcile path without a backend, so the latency is the operator's own. */
export const noneSpec = () => ({ resourceMetrics: { provider: 'none' }, cluster });

/** metrics-server as examples/metricsstack.yaml has it, on EKS: flags decided, kept off Fargate. */
export const metricsServerSpec = () => ({
  resourceMetrics: { provider: 'metrics-server' },
  metricsServer: { replicas: 2, metricResolution: '15s', kubeletTLS: 'Auto' },
  fargate: { placement: 'AvoidFargate', strategy: 'Annotate' },
  cluster,
});

/** EKS-shaped: metrics-server plus Cluster Autoscaler with IRSA and managed ASG tags, so resyncs have AWS to check. */
export const eksSpec = (seed: SeededEks) => ({
  ...metricsServerSpec(),
  clusterAutoscaler: { roleARN: seed.caRole.arn, manageASGTags: true, deploy: true },
});

export const METRIC_RESOLUTION_S = 15;
