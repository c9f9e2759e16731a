import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTOSCALER_SERVICE_ACCOUNT, parseArgs, USAGE } from '../../../src/plugin/args.js';
import { awsTarget } from '../../../src/plugin/aws-target.js';
import { fixIn, makerOf } from '../../../src/plugin/installer-fix.js';
import { clusterRows, exitStatus, hpaRows, renderJson, renderTable } from '../../../src/plugin/report.js';

describe('parseArgs', () => {
  const table: [string, string[], unknown][] = [
    ['prints usage and exits 0 on --help', ['doctor', '--help'], { exit: 0, text: USAGE }],
    ['exits 2 without a command', [], { exit: 2, text: USAGE }],
    ['exits 2 on an unknown command', ['fix'], { exit: 2 }],
    ['exits 2 on an output format other than table or json', ['doctor', '-o', 'yaml'], { exit: 2 }],
    ['exits 2 on an unknown flag', ['doctor', '--all'], { exit: 2 }],
    ['defaults to a table, no forced AWS, and kube-system/cluster-autoscaler', ['doctor'],
      { args: { output: 'table', aws: false, autoscalerServiceAccount: DEFAULT_AUTOSCALER_SERVICE_ACCOUNT } }],
    ['takes -o json, --kubeconfig and --context=x', ['doctor', '-o', 'json', '--kubeconfig', '/k', '--context=dev'],
      { args: { output: 'json', kubeconfig: '/k', context: 'dev' } }],
    ['takes --aws, --cluster, --region and --autoscaler-service-account NS/NAME',
      ['doctor', '--aws', '--cluster', 'demo', '--region=eu-west-1', '--autoscaler-service-account', 'ops/ca'],
      { args: { aws: true, cluster: 'demo', region: 'eu-west-1', autoscalerServiceAccount: { namespace: 'ops', name: 'ca' } } }],
    ['exits 2 on an --autoscaler-service-account without a namespace', ['doctor', '--autoscaler-service-account', 'ca'],
      { exit: 2, text: '--autoscaler-service-account must be NAMESPACE/NAME, not "ca"\n' }],
    ['exits 2 on --cluster without a value', ['doctor', '--cluster'], { exit: 2 }],
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

  it('lists what could not be checked under the findings, and in JSON', () => {
    const rows = [{ object: 'deployment kube-system/metrics-server', cause: 'KubeletCertificateUnverifiable', message: 'x509', fix: 'helm upgrade' }];
    expect(renderTable(rows, 0, ['kubelet serving certificates (timeout)'])).toBe(
      `${'OBJECT'.padEnd(37)}  CAUSE\ndeployment kube-system/metrics-server  KubeletCertificateUnverifiable\n` +
      '    why: x509\n    fix: helm upgrade\n\n1 finding; 0 HPAs checked.\nnot checked: kubelet serving certificates (timeout)\n');
    expect(renderTable([], 1, ['the AWS side: no region'])).toBe('No findings: 1 HPA checked, all can scale.\nnot checked: the AWS side: no region\n');
    const json = JSON.parse(renderJson(rows, [], { metrics: undefined, custom: undefined, external: undefined },
      { unknown: ['u'], details: { aws: { clusterName: 'demo' } } })) as Record<string, unknown>;
    expect(json).toMatchObject({ findings: rows, hpas: [], unknown: ['u'], aws: { clusterName: 'demo' } });
  });
});

describe('whether the doctor talks to AWS', () => {
  const eks = { kind: 'EKS' as const, region: 'us-east-1' };
  const table: [string, Parameters<typeof awsTarget>, ReturnType<typeof awsTarget>][] = [
    ['not without credentials in the environment nor --aws', [{ aws: false }, {}, eks], { check: false }],
    ['not on a cluster that is not EKS, credentials or not', [{ aws: false }, { AWS_ACCESS_KEY_ID: 'k' }, { kind: 'Generic' }], { check: false }],
    ['with credentials on EKS, in the nodes\' region', [{ aws: false }, { AWS_PROFILE: 'dev' }, eks], { check: true, region: 'us-east-1' }],
    ['with credentials and --cluster, in $AWS_REGION', [{ aws: false, cluster: 'demo' }, { AWS_ACCESS_KEY_ID: 'k', AWS_REGION: 'eu-west-1' },
      { kind: 'Generic' }], { check: true, region: 'eu-west-1' }],
    ['with --aws, --region winning over the environment', [{ aws: true, region: 'ap-northeast-1' }, { AWS_REGION: 'eu-west-1' }, eks],
      { check: true, region: 'ap-northeast-1' }],
  ];
  it.each(table)('%s', (_n, args, expected) => {
    expect(awsTarget(...args)).toEqual(expected);
  });
  it('says the region is unknown when asked with --aws and nothing names one', () => {
    expect(awsTarget({ aws: true }, {}, { kind: 'Generic' })).toMatchObject({ check: true, unknown: expect.stringContaining('pass --region') as string });
  });
});

describe('the fix in its maker\'s terms', () => {
  const ref = { namespace: 'kube-system', name: 'metrics-server' };
  const insecure = { kind: 'arg' as const, arg: '--kubelet-insecure-tls' };
  it('patches the MetricsStack when the operator made the Deployment, not the Deployment it would revert', () => {
    const ours = { metadata: { labels: { 'app.kubernetes.io/managed-by': 'metricsstack-operator', 'metricsstack.io/owner': 'default' } } };
    const maker = makerOf(ours, { kind: 'Manifests' });
    expect(fixIn(maker, insecure, ref)).toBe(`kubectl patch metricsstack default --type=merge -p '{"spec":{"metricsServer":{"kubeletTLS":"Insecure"}}}'`);
    expect(fixIn(maker, { kind: 'avoidFargate' }, ref)).toBe(`kubectl patch metricsstack default --type=merge -p '{"spec":{"fargate":{"placement":"AvoidFargate"}}}'`);
  });
  it('gives provider existing\'s helm upgrade --set for a Helm release', () => {
    expect(fixIn(makerOf({ metadata: {} }, { kind: 'Helm', release: 'ms', namespace: 'kube-system' }), insecure, ref))
      .toContain("helm upgrade ms metrics-server/metrics-server -n kube-system --reuse-values --set 'args={--kubelet-insecure-tls}'");
  });
});
