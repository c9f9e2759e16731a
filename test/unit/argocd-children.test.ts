/**
 * docs/argocd.md promises that the operator's children never look like part of an Argo CD Application: Argo CD
 * would list them under the app and prune them on the next sync, fighting the operator.
 */
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/api/v1alpha1/defaults.js';
import { withOwnership } from '../../src/kube/labels.js';
import { METRICS_SERVER_NAME, renderMetricsServer } from '../../src/render/metrics-server/index.js';

// Argo CD's tracking: the label (default before 3.0, configurable via application.instanceLabelKey) or the annotation.
const TRACKING_LABEL = 'app.kubernetes.io/instance';
const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

describe('children of a MetricsStack synced by Argo CD', () => {
  it('carry neither the tracking label nor the tracking annotation, and nothing else of argocd.argoproj.io', () => {
    const ms = withDefaults({ metricsServer: { replicas: 2 } }).metricsServer;
    const children = renderMetricsServer({
      name: METRICS_SERVER_NAME, namespace: ms.namespace, replicas: ms.replicas, image: ms.image, resources: ms.resources,
      args: [], securePort: 10250, insecureSkipTLSVerify: false, placement: { annotateEC2: true, avoidFargateAffinity: true },
    }).map((o) => withOwnership(o, 'default'));
    expect(children.length).toBeGreaterThan(5);
    for (const o of children) {
      const meta = o.metadata ?? {};
      const what = `${o.kind}/${meta.name}`;
      expect(meta.labels?.[TRACKING_LABEL], what).toBeUndefined();
      expect(meta.annotations?.[TRACKING_ANNOTATION], what).toBeUndefined();
      expect(Object.keys({ ...meta.labels, ...meta.annotations }).filter((k) => k.startsWith('argocd.argoproj.io/')), what).toEqual([]);
    }
  });
});
