import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AggregatorReason, CRD_FILE, ConditionReason, ConditionType, isAggregatorReason, relayReason,
} from '../../../../src/api/v1alpha1/index.js';
import type { ConditionInput } from '../../../../src/kube/conditions.js';

const root = new URL('../../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const types: readonly string[] = Object.values(ConditionType);
const reasons: readonly string[] = Object.values(ConditionReason);

type Props = Record<string, { pattern?: string; maxLength?: number }>;
/** metav1.Condition's properties as the committed CRD publishes them. */
function crdConditionProperties(): Props {
  const crd = parse(read(CRD_FILE)) as {
    spec: { versions: { schema: { openAPIV3Schema: { properties: { status: { properties: { conditions: { items: { properties: Props } } } } } } } }[] };
  };
  return crd.spec.versions[0]!.schema.openAPIV3Schema.properties.status.properties.conditions.items.properties;
}

/** The condition column of the README's table of concerns: `A`, `B`. */
function readmeConditionTypes(): string[] {
  const lines = read('README.md').split('\n');
  const header = lines.findIndex((l) => /^\| concern \|.*\| condition \|$/.test(l.trimEnd()));
  expect(header).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > header && !l.startsWith('|'));
  const rows = lines.slice(header + 2, end);
  return rows.flatMap((l) => [...l.trimEnd().slice(0, -1).split('|').at(-1)!.matchAll(/`(\w+)`/g)].map((m) => m[1]!));
}

/** Reasons the prose names, by document: each must exist in the catalogue under that name. */
const DOCUMENTED_REASONS: Record<string, readonly string[]> = {
  'README.md': ['InvalidSpec', 'PrometheusUnreachable', 'Conflict', 'NoEC2Capacity', 'AccessDenied', 'HandoverInProgress', 'AllDependenciesReady'],
  'docs/argocd.md': ['ExtensionAPIAuthenticationMissing', 'FailedDiscoveryCheck', 'Starting', 'DependencyNotReady', 'NamespaceNotFound'],
};

describe('the condition catalogue', () => {
  it("lists exactly the condition types of the README's table of concerns", () => {
    expect([...new Set(readmeConditionTypes())].sort()).toEqual([...types].sort());
  });

  it.each(Object.entries(DOCUMENTED_REASONS))('has every reason %s names', (file, named) => {
    const text = read(file);
    for (const reason of named) {
      expect(text, `${file} no longer names ${reason}: update DOCUMENTED_REASONS`).toMatch(new RegExp(`\\b${reason}\\b`));
      expect(reasons, `${file} names ${reason}, which the catalogue lacks`).toContain(reason);
    }
  });

  it("has every type and reason of the Argo CD health check's fixtures", () => {
    const dir = 'docs/argocd/resource_customizations/metricsstack.io/MetricsStack/testdata/';
    const conditions = readdirSync(new URL(dir, root)).flatMap((f) => {
      const fixture = parse(read(`${dir}${f}`)) as { status?: { conditions?: { type: string; reason: string }[] } | null };
      return fixture.status?.conditions ?? [];
    });
    expect(conditions.length).toBeGreaterThan(0);
    for (const c of conditions) {
      expect(types).toContain(c.type);
      expect(reasons).toContain(c.reason);
    }
  });

  it("fits the CRD's metav1.Condition schema: every type and reason matches its pattern and length", () => {
    const { type, reason } = crdConditionProperties();
    for (const t of types) expect(t.length <= type!.maxLength! && new RegExp(type!.pattern!).test(t), t).toBe(true);
    for (const r of reasons) expect(r.length <= reason!.maxLength! && new RegExp(reason!.pattern!).test(r), r).toBe(true);
  });

  it('names each entry as its value, so ConditionReason.X is the string X', () => {
    for (const [key, value] of [...Object.entries(ConditionType), ...Object.entries(ConditionReason)]) expect(value).toBe(key);
  });

  it("holds kube-aggregator's Available=False reasons among its reasons", () => {
    for (const r of Object.values(AggregatorReason)) {
      expect(reasons).toContain(r);
      expect(isAggregatorReason(r)).toBe(true);
    }
    expect(isAggregatorReason('Passed')).toBe(false);
  });

  it('lets the compiler reject an unknown type or reason (checked by tsc, not at run time)', () => {
    const ok: ConditionInput = { type: 'MetricsAPIAvailable', status: 'False', reason: 'FailedDiscoveryCheck', message: '' };
    // @ts-expect-error a condition type missing from the catalogue
    const badType: ConditionInput = { type: 'MetricsAPIReady', status: 'True', reason: 'MetricsAvailable', message: '' };
    // @ts-expect-error a reason missing from the catalogue
    const badReason: ConditionInput = { type: 'MetricsAPIAvailable', status: 'True', reason: 'MetricsOK', message: '' };
    const fromElsewhere: string = 'SomeReason';
    // @ts-expect-error an unchecked string is no reason: it must be relayed on purpose
    const unchecked: ConditionInput = { type: 'Ready', status: 'False', reason: fromElsewhere, message: '' };
    const relayed: ConditionInput = { type: 'Ready', status: 'False', reason: relayReason(fromElsewhere), message: '' };
    expect([ok, badType, badReason, unchecked, relayed].map((c) => c.reason))
      .toEqual(['FailedDiscoveryCheck', 'MetricsAvailable', 'MetricsOK', 'SomeReason', 'SomeReason']);
  });
});
