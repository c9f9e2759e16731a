/**
 * Bad MetricsStack specs generated from the CRD's own OpenAPI schema (issue 15): every field of the schema is a site,
 * and a mutation puts a value there that its schema node invites trouble with — another JSON type, a value just past
 * (or just at) a bound, an unknown enum, a huge or unicode string, deep nesting, an unknown field, a negative or
 * inverted quantity. The rest of the spec is the smallest valid one, so the mutation is what the apiserver judges.
 */
import fc from 'fast-check';
import { toOpenAPISchema } from '../../src/api/v1alpha1/crd.js';
import { MetricsStackSchema } from '../../src/api/v1alpha1/schema.js';

/** The parts of a structural-schema node the generator reads. */
export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode;
  required?: string[];
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  default?: unknown;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
}

/** The CRD's schema of `spec`, exactly as the apiserver has it. */
export const specSchema = (toOpenAPISchema(MetricsStackSchema) as unknown as { properties: { spec: SchemaNode } }).properties.spec;

/** A field of the schema: its path from `spec` (array items as `0`, map values as `k1`) and its node. */
export interface Site { readonly path: readonly string[]; readonly node: SchemaNode }

export function sites(node: SchemaNode = specSchema, path: string[] = []): Site[] {
  const here: Site[] = path.length > 0 ? [{ path, node }] : [];
  const props = Object.entries(node.properties ?? {}).flatMap(([k, child]) => sites(child, [...path, k]));
  const items = node.items ? sites(node.items, [...path, '0']) : [];
  const values = node.additionalProperties ? sites(node.additionalProperties, [...path, 'k1']) : [];
  return [...here, ...props, ...items, ...values];
}

/** Every CEL message of the schema: an apiserver error quoting one is a CEL rejection, not a structural one. */
export const celMessages = (node: SchemaNode = specSchema): string[] => [
  ...(node['x-kubernetes-validations'] ?? []).map((v) => v.message),
  ...Object.values(node.properties ?? {}).flatMap((c) => celMessages(c)),
  ...(node.items ? celMessages(node.items) : []),
  ...(node.additionalProperties ? celMessages(node.additionalProperties) : []),
];

// Valid values for required strings that a bare 'x' would not satisfy (patterns, the URL rule).
const SAMPLES: Record<string, string> = { prometheusURL: 'http://prometheus.monitoring.svc:9090', namespace: 'kube-system', name: 'fp-a' };

/** The smallest value `node` accepts (required fields only), named `name` in its parent. */
export function minimalValid(node: SchemaNode, name = ''): unknown {
  if (node['x-kubernetes-int-or-string']) return node.default ?? '1';
  switch (node.type) {
    case 'object': return Object.fromEntries((node.required ?? []).map((k) => [k, minimalValid(node.properties![k]!, k)]));
    case 'array': return (node.minItems ?? 0) > 0 ? [minimalValid(node.items!)] : [];
    case 'integer': return node.default ?? node.minimum ?? 1;
    case 'boolean': return node.default ?? false;
    default: return node.default ?? node.enum?.[0] ?? SAMPLES[name] ?? 'x';
  }
}

/** The spec with `value` at `path`, every container on the way its minimal valid self. */
export function place(path: readonly string[], value: unknown): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  let [holder, node]: [Record<string, unknown> | unknown[], SchemaNode] = [spec, specSchema];
  path.forEach((seg, i) => {
    const child = node.properties?.[seg] ?? (seg === '0' ? node.items : node.additionalProperties)!;
    const next = i === path.length - 1 ? value : minimalValid(child, seg);
    if (Array.isArray(holder)) holder[0] = next; else holder[seg] = next;
    [holder, node] = [next as Record<string, unknown>, child];
  });
  return spec;
}

/** Nested `{ a: { a: … } }` `depth` levels deep. */
const nested = (depth: number): unknown => Array.from({ length: depth }).reduce<unknown>((inner) => ({ a: inner }), 'deep');

const unicode = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
const otherType = (node: SchemaNode): fc.Arbitrary<unknown> => {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 8 }), integer: fc.integer(), number: fc.double({ noNaN: true, noDefaultInfinity: true }),
    boolean: fc.boolean(), object: fc.constant({ x: 1 }), array: fc.constant(['x']), null: fc.constant(null),
  };
  const own = node['x-kubernetes-int-or-string'] ? ['string', 'integer'] : [node.type ?? 'string'];
  return fc.oneof(...Object.entries(all).filter(([t]) => !own.includes(t) && !(t === 'number' && own.includes('integer'))).map(([, a]) => a));
};

/** The mutations a node invites: each a label (for the tally) and an arbitrary of the value to put there. */
function mutationsOf(node: SchemaNode): [string, fc.Arbitrary<unknown>][] {
  const out: [string, fc.Arbitrary<unknown>][] = [['type-confusion', otherType(node)], ['deep-nesting', fc.integer({ min: 20, max: 200 }).map(nested)]];
  if (node['x-kubernetes-int-or-string']) {
    out.push(['bad-quantity', fc.constantFrom('-1', '-100m', '1Zi', 'lots', '1e999', '0.5.5', '', '٣')], ['boundary', fc.constantFrom(0, -1, 2 ** 53, '0')]);
  } else if (node.type === 'integer') {
    const [lo, hi] = [node.minimum ?? -(2 ** 31), node.maximum ?? 2 ** 31];
    out.push(['boundary', fc.constantFrom(lo - 1, lo, hi, hi + 1, -(2 ** 31), 2 ** 53, 1.5)]);
  } else if (node.type === 'string') {
    if (node.enum) out.push(['unknown-enum', fc.oneof(fc.constantFrom('', ...node.enum.map((e) => e.toUpperCase()), ...node.enum.map((e) => ` ${e}`)), unicode)]);
    const max = node.maxLength ?? 1024;
    out.push(['boundary', fc.constantFrom(max, max + 1, node.minLength ? node.minLength - 1 : 0).map((n) => 'a'.repeat(n))],
      ['huge-string', fc.integer({ min: 5_000, max: 300_000 }).map((n) => 'ü'.repeat(n))], ['unicode', unicode]);
  } else if (node.type === 'array') {
    const item = minimalValid(node.items!);
    out.push(['boundary', fc.constantFrom((node.maxItems ?? 8) + 1, node.maxItems ?? 1, 0).map((n) => Array.from({ length: n }, () => item))]);
  } else if (node.type === 'object') {
    const key = fc.oneof(fc.constantFrom('replica', 'Provider', 'x-extra', '$ref'), unicode);
    out.push(['unknown-field', fc.tuple(key, fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => ({ ...(minimalValid(node) as object), [k]: v }))]);
    if (node.maxProperties !== undefined) {
      out.push(['boundary', fc.constant(Object.fromEntries(Array.from({ length: node.maxProperties + 1 }, (_, i) => [`k${i}`, minimalValid(node.additionalProperties!)])))]);
    }
  }
  return out;
}

/** One generated spec: where it was bad, how, and the spec itself. */
export interface BadSpec { readonly path: readonly string[]; readonly kind: string; readonly spec: Record<string, unknown> }

// A limit below its request is a rule across two fields, so it gets its own generator.
const inverted: fc.Arbitrary<BadSpec> = fc.tuple(fc.constantFrom('cpu', 'memory'), fc.integer({ min: 2, max: 900 })).map(([r, n]) => ({
  path: ['metricsServer', 'resources', 'limits', r], kind: 'limit-below-request',
  spec: { metricsServer: { resources: { requests: { [r]: `${n}Mi` }, limits: { [r]: `${n - 1}Mi` } } } },
}));

/** Bad specs from every site of the schema. */
export const badSpec: fc.Arbitrary<BadSpec> = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...sites()).chain((site) => fc.constantFrom(...mutationsOf(site.node)).chain(([kind, value]) =>
    value.map((v) => ({ path: site.path, kind, spec: place(site.path, v) })))) },
  { weight: 1, arbitrary: inverted },
);
