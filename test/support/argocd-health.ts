import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The MetricsStack health check as Argo CD's repository keeps one (resource_customizations/<group>/<kind>/:
 * health.lua, health_test.yaml, testdata/), and the argocd-cm key that installs it.
 */
export const HEALTH_CHECK_DIR = fileURLToPath(new URL('../../docs/argocd/resource_customizations/metricsstack.io/MetricsStack/', import.meta.url));
export const HEALTH_CM_KEY = 'resource.customizations.health.metricsstack.io_MetricsStack';

/** One case of health_test.yaml: the live object at `inputPath` must get `healthStatus`. */
export interface HealthCase { readonly inputPath: string; readonly healthStatus: { readonly status: string; readonly message: string } }

export const healthScript = (): string => readFileSync(join(HEALTH_CHECK_DIR, 'health.lua'), 'utf8');

export const healthCases = (): HealthCase[] =>
  (parse(readFileSync(join(HEALTH_CHECK_DIR, 'health_test.yaml'), 'utf8')) as { tests: HealthCase[] }).tests;

/** The argocd-cm ConfigMap docs/argocd.md tells users to apply, plus any other settings a test needs. */
export function argocdCm(namespace: string, data: Record<string, string> = {}) {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', namespace, labels: { 'app.kubernetes.io/part-of': 'argocd' } },
    data: { [HEALTH_CM_KEY]: healthScript(), ...data },
  };
}
