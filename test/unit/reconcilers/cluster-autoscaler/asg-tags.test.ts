import { describe, expect, it } from 'vitest';
import { clusterAutoscalerImage, hasDiscoveryTags, missingDiscoveryTags } from '../../../../src/reconcilers/cluster-autoscaler/asg-tags.js';

const EKS_TAGS = { 'eks:cluster-name': 'demo', 'eks:nodegroup-name': 'ng-1', 'kubernetes.io/cluster/demo': 'owned' };

describe('missingDiscoveryTags', () => {
  it.each([
    ['adds both tags to a group EKS made without them', EKS_TAGS, { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/demo': 'owned' }],
    ['adds nothing to a group that has both', { ...EKS_TAGS, 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/demo': 'owned' }, {}],
    ['adds only the cluster tag when enabled is there', { 'k8s.io/cluster-autoscaler/enabled': 'true' }, { 'k8s.io/cluster-autoscaler/demo': 'owned' }],
    ['adds only enabled when the cluster tag is there', { 'k8s.io/cluster-autoscaler/demo': 'owned' }, { 'k8s.io/cluster-autoscaler/enabled': 'true' }],
    ['keeps a user value, since Cluster Autoscaler looks only at keys', { 'k8s.io/cluster-autoscaler/enabled': 'yes', 'k8s.io/cluster-autoscaler/demo': '' }, {}],
    ['does not count another cluster’s tag', { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/other': 'owned' }, { 'k8s.io/cluster-autoscaler/demo': 'owned' }],
    ['does not mistake kubernetes.io/cluster/<name> for the discovery tag', { 'kubernetes.io/cluster/demo': 'owned' }, { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/demo': 'owned' }],
  ])('%s', (_name, tags, expected) => {
    expect(missingDiscoveryTags({ tags }, 'demo')).toEqual(expected);
    expect(hasDiscoveryTags({ tags }, 'demo')).toBe(Object.keys(expected).length === 0);
  });
});

describe('clusterAutoscalerImage', () => {
  it.each([
    ['1.31', 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.1'],
    ['1.33', 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.5'],
    ['v1.34.2-eks-b1a2c3d', 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.4'],
    ['1.35.0', 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.1'],
    ['1.40', 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.40.0'],
    ['1.19', 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.19.0'],
  ])('for Kubernetes %s is %s', (version, image) => {
    expect(clusterAutoscalerImage(version)).toBe(image);
  });

  it.each(['', 'latest', '2.0', 'one.thirty'])('is undefined for the unreadable version %j', (version) => {
    expect(clusterAutoscalerImage(version)).toBeUndefined();
  });
});
