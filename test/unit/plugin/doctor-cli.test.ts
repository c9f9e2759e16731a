import { describe, expect, it } from 'vitest';
import { parseArgs, USAGE } from '../../../src/plugin/args.js';
import { clusterRows, exitStatus, hpaRows, renderTable } from '../../../src/plugin/report.js';

describe('parseArgs', () => {
  const table: [string, string[], unknown][] = [
    ['prints usage and exits 0 on --help', ['doctor', '--help'], { exit: 0, text: USAGE }],
    ['exits 2 without a command', [], { exit: 2, text: USAGE }],
    ['exits 2 on an unknown command', ['fix'], { exit: 2 }],
    ['exits 2 on an output format other than table or json', ['doctor', '-o', 'yaml'], { exit: 2 }],
    ['exits 2 on an unknown flag', ['doctor', '--all'], { exit: 2 }],
    ['defaults to a table', ['doctor'], { args: { output: 'table' } }],
    ['takes -o json, --kubeconfig and --context=x', ['doctor', '-o', 'json', '--kubeconfig', '/k', '--context=dev'],
      { args: { output: 'json', kubeconfig: '/k', context: 'dev' } }],
  ];
  it.each(table)('%s', (_n, argv, expected) => {
    expect(parseArgs(argv)).toMatchObject(expected as object);
  });
});

describe('the report', () => {
  const apiServices = { metrics: { name: 'v1beta1.metrics.k8s.io', available: 'False' as const, reason: 'MissingEndpoints', message: 'no addresses',
    service: { namespace: 'kube-system', name: 'metrics-server' } }, custom: undefined, external: undefined };

  it('names a missing aggregation ConfigMap and an APIService that is not Available', () => {
    expect(clusterRows({ aggregationConfigMap: false, apiServices }).map((r) => [r.object, r.cause])).toEqual([
      ['configmap kube-system/extension-apiserver-authentication', 'AggregationLayerMissing'],
      ['apiservice v1beta1.metrics.k8s.io', 'APIServiceNotAvailable'],
    ]);
  });

  it('exits 0 with no findings and says how many HPAs it checked', () => {
    expect(exitStatus([])).toBe(0);
    expect(renderTable([], 2)).toBe('No findings: 2 HPAs checked, all can scale.\n');
  });

  it('prints each finding with its why and fix, and exits 1', () => {
    const rows = hpaRows([{ namespace: 'shop', name: 'web', findings: [{ cause: 'TargetMissing', message: 'gone', fix: 'create it' }] }]);
    expect(exitStatus(rows)).toBe(1);
    expect(renderTable(rows, 1)).toBe('OBJECT        CAUSE\nhpa shop/web  TargetMissing\n    why: gone\n    fix: create it\n\n1 finding; 1 HPA checked.\n');
  });
});
