#!/usr/bin/env node
/**
 * `kubectl metricsstack` (kubectl finds `kubectl-metricsstack` on PATH): the HPA doctor without the operator. A
 * composition root like src/main.ts: it alone builds the client, from the user's kubeconfig, and makes only reads.
 */
import type { V1ConfigMap, V1Pod, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { KubeClient } from '../kube/client.js';
import { listAPIResources } from '../kube/api-probes.js';
import { ignoreNotFound, apiMessage } from '../kube/errors.js';
import { loadKubeConfig } from '../kube/in-cluster.js';
import { objectRef } from '../kube/resources.js';
import { EXTENSION_AUTH_CONFIGMAP } from '../reconcilers/aggregation/decision.js';
import { diagnoseAll } from '../reconcilers/hpa/diagnose-all.js';
import { readApiServices, type HpaReads } from '../reconcilers/hpa/observe.js';
import { parseArgs, type DoctorArgs } from './args.js';
import { readNodeReach } from './node-reach.js';
import { clusterRows, exitStatus, hpaRows, renderJson, renderTable } from './report.js';

async function doctor(a: DoctorArgs): Promise<number> {
  const kc = loadKubeConfig(a.kubeconfig);
  if (a.context) kc.setCurrentContext(a.context);
  const client = new KubeClient(kc, { userAgent: 'kubectl-metricsstack' });
  const reads: HpaReads = {
    read: (apiVersion, kind, name, namespace) => ignoreNotFound(client.read(objectRef(apiVersion, kind, name, namespace))),
    listPods: async (namespace, labelSelector) => (await client.listKind<V1Pod>('v1', 'Pod', { namespace, labelSelector })).items,
      discover: async (group, version) => { const r = await listAPIResources(client, group, version); return 'resources' in r ? r.resources : undefined; },
  };
  const hpas = (await client.listKind<V2HorizontalPodAutoscaler>('autoscaling/v2', 'HorizontalPodAutoscaler')).items;
  const msPods = (await client.listKind<V1Pod>('v1', 'Pod', { labelSelector: 'k8s-app=metrics-server' })).items;
  const { ownFargateNodes, unreachable } = await readNodeReach(client, msPods);
  const apiServices = await readApiServices(reads);
  const { name, namespace } = EXTENSION_AUTH_CONFIGMAP;
  const aggregation = await ignoreNotFound(client.read<V1ConfigMap>(objectRef('v1', 'ConfigMap', name, namespace)));
  const verdicts = await diagnoseAll({ hpas, reads, ownFargateNodes, unreachable, limitedAfterMs: a.limitedAfterMs, now: new Date(),
    skipped: (hpa, err) => process.stderr.write(`warning: skipped hpa ${hpa}: ${apiMessage(err)}\n`) });
  const rows = [...clusterRows({ aggregationConfigMap: aggregation !== undefined, apiServices }), ...hpaRows(verdicts)];
  process.stdout.write(a.output === 'json' ? renderJson(rows, verdicts, apiServices) : renderTable(rows, verdicts.length));
  return exitStatus(rows);
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if ('exit' in parsed) {
    (parsed.exit === 0 ? process.stdout : process.stderr).write(parsed.text);
    return parsed.exit;
  }
  try {
    return await doctor(parsed.args);
  } catch (err) {
    process.stderr.write(`kubectl-metricsstack: cannot read the cluster: ${apiMessage(err)}\n`);
    return 2;
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`kubectl-metricsstack: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
