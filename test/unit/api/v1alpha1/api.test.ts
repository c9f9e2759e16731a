import { readFileSync, readdirSync } from 'node:fs';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  API_VERSION,
  CRD_FILE,
  GEN_CRD_COMMAND,
  KIND,
  MetricsStackSpecSchema,
  buildCrd,
  renderCrd,
  withDefaults,
} from '../../../../src/api/v1alpha1/index.js';
import type { MetricsStackSpec } from '../../../../src/api/v1alpha1/index.js';
import { invalidSpecs } from '../../../fixtures/invalid-specs.js';

const root = new URL('../../../../', import.meta.url);
const samplesDir = new URL('config/samples/', root);
const samples = readdirSync(samplesDir).filter((f) => f.endsWith('.yaml'));
const specErrors = (spec: unknown) => [...Value.Errors(MetricsStackSpecSchema, spec)].map((e) => `${e.path}: ${e.message}`);
// What the apiserver does before validating: default, then check.
const defaulted = (spec: unknown) => Value.Default(MetricsStackSpecSchema, Value.Clone(spec));

type Node = Record<string, unknown>;
/** Every schema node under `node` with its JSON path, following properties, items and additionalProperties. */
function* schemaNodes(node: Node, path = ''): Generator<[string, Node]> {
  yield [path || '.', node];
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) yield* schemaNodes(child, `${path}.${key}`);
  if (node.items) yield* schemaNodes(node.items as Node, `${path}[]`);
  if (typeof node.additionalProperties === 'object') yield* schemaNodes(node.additionalProperties as Node, `${path}{}`);
}

/** What kube-apiserver requires of a structural schema, and what it forbids in apiextensions.k8s.io/v1. */
function structuralProblems(node: Node): string[] {
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const problems: string[] = [];
  if (!node.type && !intOrString && node['x-kubernetes-preserve-unknown-fields'] !== true) problems.push('has no type');
  for (const key of ['$id', '$ref', '$schema', 'const', 'patternProperties', 'uniqueItems', 'oneOf', 'allOf', 'not', 'definitions']) {
    if (key in node) problems.push(`uses ${key}`);
  }
  if ('anyOf' in node && !(intOrString && JSON.stringify(node.anyOf) === '[{"type":"integer"},{"type":"string"}]')) problems.push('uses anyOf');
  if ('additionalProperties' in node && (typeof node.additionalProperties !== 'object' || 'properties' in node)) {
    problems.push('has additionalProperties that is not a schema, or beside properties');
  }
  if (typeof node.description !== 'string' || node.description.length === 0) problems.push('has no description');
  const items = node.items as Node | undefined;
  if (node['x-kubernetes-list-type'] === 'set' && !['string', 'integer', 'number', 'boolean'].includes(String(items?.type))) {
    problems.push('is a set of non-scalars');
  }
  if (node['x-kubernetes-list-type'] === 'map') {
    const keys = (node['x-kubernetes-list-map-keys'] ?? []) as string[];
    if (keys.length === 0 || !keys.every((k) => ((items?.required ?? []) as string[]).includes(k))) problems.push('has map keys that are not required');
  }
  for (const rule of (node['x-kubernetes-validations'] ?? []) as Node[]) {
    if (!rule.rule || !rule.message) problems.push('has a CEL rule without a message');
  }
  return problems;
}

function hasSymbolKeys(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return Object.getOwnPropertySymbols(value).length > 0 || Object.values(value).some(hasSymbolKeys);
}

describe('the MetricsStack CRD', () => {
  it('is committed exactly as renderCrd() renders it', () => {
    const committed = readFileSync(new URL(CRD_FILE, root), 'utf8');
    expect(committed, `${CRD_FILE} is out of date: run \`${GEN_CRD_COMMAND}\``).toBe(renderCrd());
  });

  it('has a structural schema the apiserver accepts, with a description on every field', () => {
    const crd = buildCrd() as { spec: { versions: { schema: { openAPIV3Schema: Node } }[] } };
    const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
    const problems = [...schemaNodes(schema)]
      .filter(([path]) => path !== '.metadata') // the apiserver forbids saying anything about metadata, a description too
      .flatMap(([path, node]) => structuralProblems(node).map((p) => `${path} ${p}`));
    expect(schema.properties).toHaveProperty('metadata', { type: 'object' });
    expect(problems).toEqual([]);
    expect(hasSymbolKeys(crd)).toBe(false);
    expect(renderCrd()).not.toMatch(/Symbol|TypeBox|\[Kind\]/);
  });

  it('has defaults that are themselves valid, as the apiserver demands of a CRD', () => {
    const invalid = [...schemaNodes(MetricsStackSpecSchema as unknown as Node)]
      .filter(([, node]) => 'default' in node)
      .filter(([, node]) => !Value.Check(node as TSchema, Value.Default(node as TSchema, Value.Clone(node.default))))
      .map(([path]) => path);
    expect(invalid).toEqual([]);
  });
});

describe('the samples in config/samples', () => {
  it.each(samples)('%s is a valid MetricsStack after defaulting', (file) => {
    const object = parse(readFileSync(new URL(file, samplesDir), 'utf8')) as { apiVersion: string; kind: string; spec: unknown };
    expect([object.apiVersion, object.kind]).toEqual([API_VERSION, KIND]);
    expect(specErrors(withDefaults(object.spec as MetricsStackSpec))).toEqual([]);
  });
});

describe('the invalid specs in test/fixtures', () => {
  it.each(invalidSpecs.filter((c) => !c.cel).map((c) => [c.name, c.spec] as const))(
    'rejects %s with Value.Check',
    (_name, spec) => {
      expect(Value.Check(MetricsStackSpecSchema, defaulted(spec))).toBe(false);
    },
  );

  it.each(invalidSpecs.filter((c) => c.cel).map((c) => [c.name, c.spec] as const))(
    'leaves %s to the apiserver, because only a CEL rule or a list type catches it',
    (_name, spec) => {
      expect(specErrors(defaulted(spec))).toEqual([]);
    },
  );
});

describe('withDefaults', () => {
  it('fills every documented default into an empty spec', () => {
    expect(withDefaults({})).toEqual({
      resourceMetrics: { provider: 'metrics-server' },
      metricsServer: {
        namespace: 'kube-system',
        replicas: 2,
        metricResolution: '15s',
        kubeletTLS: 'Auto',
        kubeletPreferredAddressTypes: ['InternalIP', 'ExternalIP', 'Hostname'],
        image: 'registry.k8s.io/metrics-server/metrics-server:v0.8.0',
        resources: { requests: {} },
        insecureSkipTLSVerify: false,
        adoptExisting: false,
      },
      fargate: { placement: 'AvoidFargate', strategy: 'Annotate' },
      cluster: {},
      deletionPolicy: 'Delete',
    });
  });

  it('fills the defaults inside optional blocks once they are present, and keeps what the user set', () => {
    const spec = withDefaults({
      metricsServer: { replicas: 3, resources: { requests: { cpu: '250m' } } },
      prometheusAdapter: { prometheusURL: 'http://prometheus:9090' },
      fargate: { strategy: 'RecreateProfile', recreateProfile: { profiles: [{ name: 'fp', selectors: [{ namespace: 'apps' }] }] } },
      clusterAutoscaler: {},
    });
    expect(spec.metricsServer.replicas).toBe(3);
    // Unset requests are not defaulted: they follow the cluster size (sizeMetricsServerResources).
    expect(spec.metricsServer.resources.requests).toEqual({ cpu: '250m' });
    expect(spec.prometheusAdapter).toEqual({
      namespace: 'monitoring',
      replicas: 1,
      prometheusURL: 'http://prometheus:9090',
      metricsRelistInterval: '1m',
      image: 'registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0',
      rules: [],
      externalRules: [],
      adoptExisting: false,
    });
    expect(spec.fargate.recreateProfile?.dryRun).toBe(true);
    expect(spec.clusterAutoscaler).toEqual({
      serviceAccount: { namespace: 'kube-system', name: 'cluster-autoscaler' },
      manageASGTags: false,
      deploy: false,
      scaleDown: { enabled: true, delayAfterAdd: '10m', unneededTime: '10m', utilizationThreshold: '0.5' },
      adoptExisting: false,
    });
  });

  it('does not change the spec it is given', () => {
    const spec: MetricsStackSpec = { metricsServer: { replicas: 3 } };
    withDefaults(spec);
    expect(spec).toEqual({ metricsServer: { replicas: 3 } });
  });
});
