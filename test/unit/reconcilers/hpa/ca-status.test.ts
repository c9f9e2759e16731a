import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { describeCaStatus } from '../../../../src/reconcilers/hpa/ca-status.js';
import { caStatusAtMaxSize } from '../../../support/ca-status.js';

const GROUP = 'eks-ng-1-20261202-6ac9f2d4-1b2c-4d5e-8f90-a1b2c3d4e5f6';

describe('describeCaStatus', () => {
  it('quotes the node group at its maxSize from the YAML status Cluster Autoscaler 1.30+ writes', () => {
    const status = caStatusAtMaxSize(GROUP, 3, new Date('2026-12-02T12:00:00Z'));
    expect(parse(status)).toMatchObject({ autoscalerStatus: 'Running', nodeGroups: [{ name: GROUP, health: { maxSize: 3, cloudProviderTarget: 3 } }] });
    expect(describeCaStatus(status)).toBe(`autoscalerStatus Running, clusterWide scaleUp NoActivity; node group ${GROUP}: health Healthy ` +
      'cloudProviderTarget=3 (minSize=1, maxSize=3) at maxSize, scaleUp NoActivity');
  });

  it('names a node group in Backoff with its error code and message, before the groups that can still grow', () => {
    const status = [
      'autoscalerStatus: Running', 'clusterWide:', '  scaleUp:', '    status: InProgress', 'nodeGroups:',
      '  - name: ng-a', '    health: { status: Healthy, cloudProviderTarget: 2, minSize: 1, maxSize: 10 }', '    scaleUp: { status: NoActivity }',
      '  - name: ng-b', '    health: { status: Healthy, cloudProviderTarget: 2, minSize: 1, maxSize: 10 }',
      '    scaleUp: { status: Backoff, backoffInfo: { errorCode: InsufficientInstanceCapacity, errorMessage: "We currently do not have sufficient m5.large capacity" } }',
    ].join('\n');
    expect(describeCaStatus(status)).toBe('autoscalerStatus Running, clusterWide scaleUp InProgress; node group ng-b: health Healthy ' +
      'cloudProviderTarget=2 (minSize=1, maxSize=10), scaleUp Backoff (InsufficientInstanceCapacity: We currently do not have sufficient m5.large capacity); ' +
      'node group ng-a: health Healthy cloudProviderTarget=2 (minSize=1, maxSize=10), scaleUp NoActivity');
  });

  it('quotes the maxSize line of the text status older Cluster Autoscalers write', () => {
    const status = 'Cluster-autoscaler status at 2026-12-02 12:00:00.1 +0000 UTC:\nCluster-wide:\n  Health:      Healthy (ready=3 unready=0)\n' +
      '  ScaleUp:     NoActivity (ready=3 registered=3)\n\nNodeGroups:\n  Name:        ng-1\n' +
      '  Health:      Healthy (ready=3 unready=0 notStarted=0 registered=3 cloudProviderTarget=3 (minSize=1, maxSize=3))\n';
    expect(describeCaStatus(status)).toBe('Health:      Healthy (ready=3 unready=0 notStarted=0 registered=3 cloudProviderTarget=3 (minSize=1, maxSize=3))');
  });

  it('stays short with many node groups', () => {
    const groups = Array.from({ length: 40 }, (_, i) => `  - name: ${'g'.repeat(60)}-${i}\n    health: { status: Healthy, maxSize: 5, cloudProviderTarget: 5 }`);
    const text = describeCaStatus(`autoscalerStatus: Running\nnodeGroups:\n${groups.join('\n')}`);
    expect(text.length).toBeLessThanOrEqual(400);
    expect(text).toMatch(/^autoscalerStatus Running, clusterWide scaleUp \?; node group g+-0: /);
  });
});
