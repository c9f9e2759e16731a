import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeInstaller, identifyInstaller } from '../../../../src/reconcilers/existing-metrics-server/installer.js';

const obj = (metadata: KubernetesObject['metadata']): KubernetesObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata });

describe('identifyInstaller', () => {
  it.each([
    ['names the EKS add-on from a managedFields entry with manager eks',
      [obj({ name: 'metrics-server', managedFields: [{ manager: 'eks', operation: 'Apply' }] })], { kind: 'EKSAddon' }],
    ['prefers the EKS add-on over Helm-looking labels',
      [obj({ name: 'metrics-server', labels: { 'app.kubernetes.io/managed-by': 'Helm' }, managedFields: [{ manager: 'eks' }] })], { kind: 'EKSAddon' }],
    ['names a Helm release from its annotations',
      [obj({ name: 'ms', namespace: 'kube-system', labels: { 'app.kubernetes.io/managed-by': 'Helm' },
        annotations: { 'meta.helm.sh/release-name': 'ms', 'meta.helm.sh/release-namespace': 'metrics' } })],
      { kind: 'Helm', release: 'ms', namespace: 'metrics' }],
    ['falls back to the instance label when only the managed-by label says Helm',
      [obj({ name: 'ms', namespace: 'kube-system', labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'rel' } })],
      { kind: 'Helm', release: 'rel', namespace: 'kube-system' }],
    ['calls anything else plain manifests', [obj({ name: 'metrics-server', managedFields: [{ manager: 'kubectl-client-side-apply' }] })], { kind: 'Manifests' }],
    ['is Unknown when nothing was found', [undefined], { kind: 'Unknown' }],
  ])('%s', (_name, objects, expected) => {
    expect(identifyInstaller(objects)).toEqual(expected);
  });

  it('describes each installer in a sentence', () => {
    expect(describeInstaller({ kind: 'Helm', release: 'ms', namespace: 'kube-system' })).toBe('Helm release "ms" in namespace kube-system');
    expect(describeInstaller({ kind: 'EKSAddon' })).toContain('EKS metrics-server add-on');
  });
});
