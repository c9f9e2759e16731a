#!/usr/bin/env node
/**
 * `kubectl metricsstack` (kubectl finds `kubectl-metricsstack` on PATH): the HPA doctor without the operator. A
 * composition root like src/main.ts: it alone builds the clients (the user's kubeconfig; AWS's default chain, only
 * when awsTarget says so), and makes only reads.
 */
import type { V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { KubeClient } from '../kube/client.js';
import { ignoreNotFound, apiMessage } from '../kube/errors.js';
import { loadKubeConfig } from '../kube/in-cluster.js';
import { EXTENSION_AUTH_CONFIGMAP } from '../reconcilers/aggregation/decision.js';
import { diagnoseAll } from '../reconcilers/hpa/diagnose-all.js';
import { readApiServices } from '../reconcilers/hpa/observe.js';
import { KubeletTLSFactsSource } from '../reconcilers/metrics-server/kubelet-tls/facts.js';
import { summarizeNodes } from '../reconcilers/platform/node-facts.js';
import { METRICS_API_SERVICE_NAME } from '../render/metrics-server/apiservice.js';
import { parseArgs, type DoctorArgs } from './args.js';
import { checkAws, type AwsCheck } from './aws-checks.js';
import { awsTarget } from './aws-target.js';
import { checkMetricsServer } from './cluster-checks.js';
import { doctorReads } from './kube-reads.js';
import { readNodeReach } from './node-reach.js';
import { clusterRows, exitStatus, hpaRows, renderJson, renderTable } from './report.js';
import { readStackExpectations } from './stacks.js';

async function doctor(a: DoctorArgs): Promise<number> {
  const kc = loadKubeConfig(a.kubeconfig);
  if (a.context) kc.setCurrentContext(a.context);
  const client = new KubeClient(kc, { userAgent: 'kubectl-metricsstack' });
  const reads = doctorReads(client);
  const facts = summarizeNodes(await reads.listNodes());
  const kubeletTLS = new KubeletTLSFactsSource(reads.readConfigMap, Date.now);
  const ms = await checkMetricsServer(await reads.readAPIService(METRICS_API_SERVICE_NAME), reads,
    kubeletTLS, facts, a.cluster);
  const target = awsTarget(a, process.env, facts);
  let aws: AwsCheck | undefined;
  if (target.check && 'region' in target) {
    // Loaded only here: a run that does not check AWS never loads the SDK.
    const { createAwsClients } = await import('../cloud/aws/clients.js');
    const clients = createAwsClients({ region: target.region });
    try {
      aws = await checkAws({ region: target.region, cluster: a.cluster ?? facts.clusterName, ports: clients.uncached, apiserverIssuer: reads.apiserverIssuer,
        metricsServer: ms.pods, autoscaler: a.autoscalerServiceAccount, readServiceAccount: reads.readServiceAccount });
    } finally {
      clients.destroy();
    }
  }
  // The HPA doctor's "on the Fargate node metrics-server itself runs on": the nodes of the pods behind the APIService.
  const fargate = new Set(facts.nodes.filter((n) => n.fargate).map((n) => n.name));
  const ownFargateNodes = ms.podNodes.filter((n) => fargate.has(n));
  const hpas = (await reads.listHpas()).items;
  // Which nodes metrics.k8s.io lacks and why, by the operator's verify code (PodsOnUnreachableNodes).
  const msPods = (await client.listKind<V1Pod>('v1', 'Pod', { labelSelector: 'k8s-app=metrics-server' })).items;
  const { unreachable } = await readNodeReach(client, msPods, facts, kubeletTLS);
  const apiServices = await readApiServices(reads);
  const { name, namespace } = EXTENSION_AUTH_CONFIGMAP;
  const aggregation = await ignoreNotFound(reads.readConfigMap(namespace, name)) as V1ConfigMap | undefined;
  const { expectedServices, specRules } = await readStackExpectations(client, (line) => process.stderr.write(line));
  const verdicts = await diagnoseAll({ hpas, reads, ownFargateNodes, unreachable, expectedServices, specRules, limitedAfterMs: a.limitedAfterMs,
    now: new Date(),
    skipped: (hpa, err) => process.stderr.write(`warning: skipped hpa ${hpa}: ${apiMessage(err)}\n`) });
  const rows = [...clusterRows({ aggregationConfigMap: aggregation !== undefined, apiServices }), ...ms.rows, ...aws?.rows ?? [], ...hpaRows(verdicts)];
  const unknown = [...ms.unknown, ...('unknown' in target ? [target.unknown] : []), ...aws?.unknown ?? []];
  process.stdout.write(a.output === 'json'
    ? renderJson(rows, verdicts, apiServices, { unknown, details: { ...ms.details, ...aws?.details } })
    : renderTable(rows, verdicts.length, unknown));
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
