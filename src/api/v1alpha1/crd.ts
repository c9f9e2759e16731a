/**
 * The MetricsStack CustomResourceDefinition, rendered from the TypeBox schema. Pure: the same input gives the same
 * bytes, so a unit test can compare it with the committed crds/metricsstack.io_metricsstacks.yaml.
 */
import { stringify } from 'yaml';
import { MetricsStackSchema } from './schema.js';
import { API_VERSION, CRD_NAME, GROUP, KIND, LIST_KIND, PLURAL, SINGULAR, VERSION } from './types.js';

/** Where the generated CRD is committed, relative to the repository root. */
export const CRD_FILE = 'crds/metricsstack.io_metricsstacks.yaml';
/** The command that regenerates {@link CRD_FILE}. */
export const GEN_CRD_COMMAND = 'npm run gen:crd';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Plain JSON with keys sorted (as controller-gen does): drops TypeBox's symbol keys, and the empty `properties` that
 * TypeBox puts beside `additionalProperties` (the apiserver wants one or the other).
 */
export function toOpenAPISchema(schema: unknown): Json {
  return sortKeys(JSON.parse(JSON.stringify(schema)) as Json);
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    const child = value[key] as Json;
    if (key === 'properties' && typeof child === 'object' && child !== null && Object.keys(child).length === 0) continue;
    out[key] = sortKeys(child);
  }
  return out;
}

const ready = '.status.conditions[?(@.type=="Ready")]';

/** The CRD as a plain object, in the key order it is written. */
export function buildCrd(): Record<string, Json> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CRD_NAME },
    spec: {
      group: GROUP,
      names: {
        kind: KIND,
        listKind: LIST_KIND,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: ['ms', 'mstack'],
        categories: ['metricsstack'],
      },
      scope: 'Cluster',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Provider', type: 'string', jsonPath: '.spec.resourceMetrics.provider', description: 'Who serves metrics.k8s.io.' },
            { name: 'Ready', type: 'string', jsonPath: `${ready}.status`, description: 'Whether the pipeline works.' },
            { name: 'Reason', type: 'string', jsonPath: `${ready}.reason`, description: 'Why it is (not) ready.' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: { openAPIV3Schema: toOpenAPISchema(MetricsStackSchema) },
        },
      ],
    },
  };
}

/** The CRD as the YAML text committed at {@link CRD_FILE}. */
export function renderCrd(): string {
  const header = `# Generated from src/api/v1alpha1 (${API_VERSION}) by \`${GEN_CRD_COMMAND}\`. Do not edit.\n`;
  return header + stringify(buildCrd(), { lineWidth: 0 });
}
