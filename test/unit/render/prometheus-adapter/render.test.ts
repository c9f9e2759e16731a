import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { V1APIService, V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import {
  adapterConfigFrom, CONFIG_HASH_ANNOTATION, renderAdapterConfigFile, renderPrometheusAdapter, servedAPIs,
} from '../../../../src/render/prometheus-adapter/index.js';
import { toYaml } from '../../../../src/render/prometheus-adapter/yaml.js';
import { resolveBinDir } from '../../../support/cluster-args.js';
import { adapterSpec, HTTPD_RULE, typicalAdapterInput } from './input.js';

/** What the real prometheus-adapter v0.12 binary says about a configuration file: it loads it before it needs a cluster. */
function adapterLoads(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'adapter-config-'));
  writeFileSync(join(dir, 'config.yaml'), file);
  try {
    execFileSync(join(resolveBinDir(), 'prometheus-adapter'), [`--config=${join(dir, 'config.yaml')}`, '--prometheus-url=http://127.0.0.1:9', `--lister-kubeconfig=${join(dir, 'none')}`], { encoding: 'utf8', stdio: 'pipe', timeout: 10_000 });
    return '';
  } catch (err) {
    return (err as { stderr: string }).stderr;
  }
}

const kinds = (objects: { kind?: string; metadata?: { name?: string } }[]) => objects.map((o) => `${o.kind}/${o.metadata?.name}`);
const find = <T,>(objects: unknown[], kind: string, name?: string) =>
  (objects as { kind: string; metadata: { name: string } }[]).find((o) => o.kind === kind && (!name || o.metadata.name === name)) as T;

describe('the adapter configuration file', () => {
  it('GIVEN the spec rules WHEN rendered THEN YAML (1.1, as gopkg.in/yaml.v2 reads it) gives back exactly the rules', () => {
    const file = renderAdapterConfigFile(typicalAdapterInput.config);
    const back = parse(file, { version: '1.1' });
    expect(back).toEqual(JSON.parse(JSON.stringify(typicalAdapterInput.config)));
    expect(back.rules[0]).toEqual({ ...HTTPD_RULE, resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } } });
  });

  it('is read by the real prometheus-adapter binary (yaml.UnmarshalStrict: an unknown field would be fatal)', () => {
    const out = adapterLoads(renderAdapterConfigFile(typicalAdapterInput.config));
    expect(out).not.toContain('unable to load metrics discovery config');
    expect(out).toContain('unable to construct RESTMapper'); // the next step: it got past the configuration
    expect(adapterLoads('rules: []\nseriesFilter: []\n')).toContain('unable to load metrics discovery config');
  });

  it('quotes keys YAML 1.1 would read as booleans (a label named "on" or "y") and everything PromQL needs', () => {
    const doc = toYaml({ rules: [{ seriesQuery: 'a{b="c"}', resources: { overrides: { on: { resource: 'pod' }, 'y': { resource: 'node' }, ok_label: { resource: 'x' } } } }] });
    expect(doc).toContain('"on":');
    expect(doc).toContain('"y":');
    expect(doc).toContain('    ok_label:');
    expect(parse(doc, { version: '1.1' }).rules[0].resources.overrides).toHaveProperty('on');
  });

  it('leaves resourceRules out unless the adapter serves metrics.k8s.io, and serves only what has rules', () => {
    const custom = adapterConfigFrom({ ...adapterSpec, externalRules: [] }, false);
    expect(custom.resourceRules).toBeUndefined();
    expect(servedAPIs(custom)).toEqual({ custom: true, external: false, resource: false });
    expect(renderAdapterConfigFile(custom)).not.toMatch(/externalRules|resourceRules/);
    expect(renderAdapterConfigFile(adapterConfigFrom({ ...adapterSpec, rules: [], externalRules: [] }, true))).toMatch(/^rules: \[\]\nresourceRules:/);
  });
});

describe('renderPrometheusAdapter', () => {
  it('renders RBAC, the configuration, Service, Deployment, then the APIServices of what is served', () => {
    expect(kinds(renderPrometheusAdapter(typicalAdapterInput))).toEqual([
      'ServiceAccount/prometheus-adapter',
      'ClusterRole/prometheus-adapter-resource-reader',
      'ClusterRoleBinding/prometheus-adapter-resource-reader',
      'ClusterRoleBinding/prometheus-adapter:system:auth-delegator',
      'RoleBinding/prometheus-adapter-auth-reader',
      'ClusterRole/system:prometheus-adapter-aggregated-reader',
      'ConfigMap/prometheus-adapter-config',
      'Service/prometheus-adapter',
      'Deployment/prometheus-adapter',
      'APIService/v1beta1.custom.metrics.k8s.io',
      'APIService/v1beta2.custom.metrics.k8s.io',
      'APIService/v1beta1.external.metrics.k8s.io',
      'APIService/v1beta1.metrics.k8s.io',
    ]);
  });

  it('renders only metrics.k8s.io for resource rules alone, and a PDB for 2+ replicas', () => {
    const input = { ...typicalAdapterInput, replicas: 2, config: adapterConfigFrom({ ...adapterSpec, rules: [], externalRules: [] }, true) };
    const names = kinds(renderPrometheusAdapter(input));
    expect(names.filter((n) => n.startsWith('APIService/'))).toEqual(['APIService/v1beta1.metrics.k8s.io']);
    expect(names).toContain('PodDisruptionBudget/prometheus-adapter');
  });

  it('points every APIService at the Service with the CA bundle, v1beta2 of custom metrics preferred', () => {
    const objects = renderPrometheusAdapter(typicalAdapterInput);
    const v2 = find<V1APIService>(objects, 'APIService', 'v1beta2.custom.metrics.k8s.io');
    expect(v2.spec).toEqual({
      group: 'custom.metrics.k8s.io', version: 'v1beta2', service: { name: 'prometheus-adapter', namespace: 'monitoring', port: 443 },
      caBundle: typicalAdapterInput.caBundle, groupPriorityMinimum: 100, versionPriority: 200,
    });
    expect(find<V1APIService>(objects, 'APIService', 'v1beta1.external.metrics.k8s.io').spec?.insecureSkipTLSVerify).toBeUndefined();
  });

  it('rolls the pods when the configuration changes (the adapter reads it only at start)', () => {
    const before = find<V1Deployment>(renderPrometheusAdapter(typicalAdapterInput), 'Deployment');
    const changed = { ...typicalAdapterInput, config: adapterConfigFrom({ ...adapterSpec, rules: [{ ...HTTPD_RULE, metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)' }] }, true) };
    const after = find<V1Deployment>(renderPrometheusAdapter(changed), 'Deployment');
    expect(after.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]).not.toBe(before.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]);
    const cm = find<V1ConfigMap>(renderPrometheusAdapter(changed), 'ConfigMap');
    expect(cm.data?.['config.yaml']).toContain('"sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)"');
  });
});
