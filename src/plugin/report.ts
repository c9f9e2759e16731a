/** The doctor's report: cluster-level findings and every HPA's verdict, as a table or JSON, and the exit status. */
import type { ApiServiceFacts, HpaVerdict, MetricsApi } from '../reconcilers/hpa/index.js';

/** One row: what it is about, the cause, what is wrong, the fix. */
export interface ReportRow {
  readonly object: string;
  readonly cause: string;
  readonly message: string;
  readonly fix: string;
}

export interface ClusterFacts {
  readonly aggregationConfigMap: boolean;
  readonly apiServices: Record<MetricsApi, ApiServiceFacts | undefined>;
}

export function clusterRows(c: ClusterFacts): ReportRow[] {
  const rows: ReportRow[] = [];
  if (!c.aggregationConfigMap) {
    rows.push({ object: 'configmap kube-system/extension-apiserver-authentication', cause: 'AggregationLayerMissing',
      message: 'the aggregation layer is not configured: metrics-server crash-loops on configmaps "extension-apiserver-authentication" not found',
      fix: 'start kube-apiserver with --requestheader-client-ca-file, --requestheader-allowed-names, --proxy-client-cert-file and --proxy-client-key-file' });
  }
  for (const a of Object.values(c.apiServices)) {
    if (a && a.available !== 'True') {
      rows.push({ object: `apiservice ${a.name}`, cause: 'APIServiceNotAvailable', message: `${a.reason ?? 'Unknown'}: ${a.message ?? ''}`.trim(),
        fix: `fix ${a.service ? `${a.service.namespace}/${a.service.name}` : 'its backend'} until kubectl get apiservice ${a.name} shows Available True` });
    }
  }
  return rows;
}

export const hpaRows = (verdicts: readonly HpaVerdict[]): ReportRow[] =>
  verdicts.flatMap((v) => v.findings.map((f) => ({ object: `hpa ${v.namespace}/${v.name}`, cause: f.cause, message: f.message, fix: f.fix })));

/** 0 when all is well, 1 on findings. */
export const exitStatus = (rows: readonly ReportRow[]): 0 | 1 => (rows.length === 0 ? 0 : 1);

/** What the report says beside the findings: what could not be checked, and the facts the checks read. */
export interface ReportExtras {
  /** Checks that could not be made from here, each with why (e.g. kubelets this machine cannot reach). */
  readonly unknown: readonly string[];
  /** Facts for scripts (who serves metrics.k8s.io, the kubelet certificates, the AWS side); JSON output only. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export function renderJson(rows: readonly ReportRow[], verdicts: readonly HpaVerdict[], apiServices: ClusterFacts['apiServices'],
  extras: ReportExtras = { unknown: [] }): string {
  return `${JSON.stringify({ findings: rows, hpas: verdicts, apiServices, unknown: extras.unknown, ...extras.details }, null, 2)}\n`;
}

/** A kubectl-style table: OBJECT, CAUSE, then message and fix on indented lines (they are long). */
export function renderTable(rows: readonly ReportRow[], hpaCount: number, unknown: readonly string[] = []): string {
  const notChecked = unknown.map((u) => `not checked: ${u}`);
  const hpas = `${hpaCount} HPA${hpaCount === 1 ? '' : 's'} checked`;
  if (rows.length === 0) return [`No findings: ${hpas}, all can scale.`, ...notChecked].map((l) => `${l}\n`).join('');
  const width = Math.max(6, ...rows.map((r) => r.object.length));
  const lines = [`${'OBJECT'.padEnd(width)}  CAUSE`];
  for (const r of rows) lines.push(`${r.object.padEnd(width)}  ${r.cause}`, `    why: ${r.message}`, `    fix: ${r.fix}`);
  lines.push('', `${rows.length} finding${rows.length === 1 ? '' : 's'}; ${hpas}.`, ...notChecked);
  return `${lines.join('\n')}\n`;
}
