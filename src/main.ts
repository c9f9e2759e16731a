/**
 * Composition root: config → clients → controllers → manager. The only place clients are made; everything else
 * receives them as parameters.
 */
import type {
  KubernetesObject, V1APIService, V1ConfigMap, V1Deployment, V1Namespace, V1Node, V1Pod, V1Secret, V1Service, V1ServiceAccount,
} from '@kubernetes/client-node';
import { Agent as UndiciAgent, fetch as undiciFetch } from 'undici';
import { AwsCallCounter } from './cloud/aws/call-counter.js';
import { cacheOf as cacheOfKind, stackInformers } from './informers.js';
import { parseCommandLine } from './command-line.js';
import { EventRecorder, eventClientOf } from './controllers/events.js';
import { HealthServer } from './controllers/health.js';
import { LeaderElector, leaseClientOf } from './controllers/leader-election.js';
import { listWatchFactory } from './controllers/list-watch.js';
import { createLogger, controllerLogger } from './controllers/logging.js';
import { Manager } from './controllers/manager.js';
import { stopOnSignals } from './controllers/signals.js';
import { OperatorMetrics } from './controllers/metrics.js';
import { WorkQueue } from './controllers/workqueue.js';
import { Applier } from './kube/applier.js';
import { KubeClient } from './kube/client.js';
import { listAPIResources, listNodeMetrics, readServiceAccountIssuer } from './kube/api-probes.js';
import { ignoreNotFound } from './kube/errors.js';
import { loadKubeConfig, podNamespace } from './kube/in-cluster.js';
import { objectRef } from './kube/resources.js';
import { ApplyStackWriter } from './kube/stack-writer.js';
import { AggregationPreflight } from './reconcilers/aggregation/preflight.js';
import { KubeletTLSFactsSource } from './reconcilers/metrics-server/kubelet-tls/facts.js';
import { BackendReconciler } from './reconcilers/backends/backend.js';
import { MetricsServerBackend } from './reconcilers/metrics-server/backend.js';
import { ExistingMetricsServerBackend } from './reconcilers/existing-metrics-server/backend.js';
import { PrometheusAdapterBackend } from './reconcilers/prometheus-adapter/backend.js';
import { guardedLookup, PrometheusProbe } from './reconcilers/prometheus-adapter/prometheus-probe.js';
import { MetricsStackReconciler } from './reconcilers/stack/metricsstack.js';
import { PlatformObserver } from './reconcilers/platform/observer.js';
import { AwsSessionSource, type RegionClients } from './reconcilers/aws/session.js';
import { ClusterAutoscalerReconciler } from './reconcilers/cluster-autoscaler/index.js';
import { FargatePlacement, FargatePlacementVerifier } from './reconcilers/fargate/index.js';
import { orderSubReconcilers } from './reconcilers/stack/order.js';
import { HpaDoctor } from './reconcilers/hpa/doctor.js';
import { COMPUTE_TYPE_LABEL } from './reconcilers/platform/node-facts.js';
import { NodeDetailsSource } from './reconcilers/platform/node-details.js';

async function main(): Promise<number> {
  const commandLine = parseCommandLine(process.argv.slice(2), process.env, podNamespace);
  if ('exit' in commandLine) {
    (commandLine.exit === 0 ? process.stdout : process.stderr).write(commandLine.text);
    return commandLine.exit;
  }
  const { config } = commandLine;
  const logger = createLogger({ level: config.logLevel });

  const objects = new KubeClient(loadKubeConfig(config.kubeconfig), { userAgent: `metricsstack-operator/${config.identity}` });
  const metrics = new OperatorMetrics();
  const log = controllerLogger(logger, 'metricsstack');
  const queue = new WorkQueue({ concurrency: config.workers, observer: metrics.queueObserver('metricsstack') });
  const factory = listWatchFactory(objects);
  const enqueue = (key: string): void => queue.add(key);

  const informers = stackInformers({ objects, factory, logger: log, enqueue, managedNamespaces: config.managedNamespaces });
  const { stacks, extensionAuth, nodes, pods, hpas, owned } = informers;
  const cacheOf = <T,>(kind: string) => cacheOfKind<T>(informers, kind);
  // AWS clients per region, made on first use: only a stack on EKS whose spec needs AWS ever asks for them.
  const awsRegions = new Map<string, RegionClients>();
  const awsCalls = new AwsCallCounter((operation) => metrics.awsCalls.inc({ operation }));
  const aws = new AwsSessionSource({
    defaultRegion: config.awsRegion, apiserverIssuer: () => readServiceAccountIssuer(objects),
    clientsFor: async (region) => {
      let ports = awsRegions.get(region);
      if (!ports) {
        // Loaded on first use (a separate chunk of the bundle): a cluster that is not EKS never pays the AWS SDK's memory.
        const { createAwsClients } = await import('./cloud/aws/clients.js');
        const clients = createAwsClients({ region, calls: awsCalls });
        ports = { eks: clients.eks, autoScaling: clients.autoScaling, iam: clients.iam, refresh: (service) => clients.cache.invalidatePrefix(`${service}:`) };
        awsRegions.set(region, ports);
      }
      return ports;
    },
  });
  const operatorRoleArn = process.env.AWS_ROLE_ARN;

  // undici's fetch, already loaded for the Kubernetes client: the global fetch would load Node's own copy of undici.
  // Its sockets refuse loopback and link-local (instance metadata) addresses when they connect.
  const probeAgent = new UndiciAgent({ connect: { lookup: guardedLookup } });
  const prometheusProbe = new PrometheusProbe((url, init) => undiciFetch(url, { ...init, dispatcher: probeAgent }), Date.now,
    config.prometheusCheckPeriodMs);
  const { managedNamespaces } = config;
  const backendSources = { readSecret: (name: string, namespace: string) => ignoreNotFound(objects.read<V1Secret>(objectRef('v1', 'Secret', name, namespace))),
    apiServices: cacheOf<V1APIService>('APIService'), deployments: cacheOf<V1Deployment>('Deployment'), managedNamespaces };
  const backendDeps = {
    applier: new Applier(objects, (ref: KubernetesObject) => owned.get(ref.kind ?? '')?.get(ref.metadata?.name ?? '', ref.metadata?.namespace)),
    apiServices: cacheOf<V1APIService>('APIService'),
  };
  const events = new EventRecorder({ client: eventClientOf(objects), logger: log, instance: config.identity });
  const hpaDoctor = new HpaDoctor({
    hpas, events, gauge: metrics.hpaFindings, targetTtlMs: config.resyncPeriodMs, limitedAfterMs: config.hpaLimitedAfterMs,
    reads: {
      read: (apiVersion, kind, name, namespace) => ignoreNotFound(objects.read(objectRef(apiVersion, kind, name, namespace))),
      listPods: async (namespace, labelSelector) => (await objects.listKind<V1Pod>('v1', 'Pod', { namespace, labelSelector })).items,
      discover: async (group, version) => { const r = await listAPIResources(objects, group, version); return 'resources' in r ? r.resources : undefined; },
    },
    ownFargateNodes: () => [...new Set(pods.list().map((p) => p.spec?.nodeName ?? ''))]
      .filter((n) => nodes.get(n)?.metadata?.labels?.[COMPUTE_TYPE_LABEL] === 'fargate'),
  });
  const parent = new MetricsStackReconciler({
    stacks,
    subs: orderSubReconcilers({
      platform: new PlatformObserver(nodes, new NodeDetailsSource({
        listNodes: async (each) => (await objects.listKind<V1Node>('v1', 'Node', {}, each)).items,
        readNode: (name) => ignoreNotFound(objects.read<V1Node>(objectRef('v1', 'Node', name))),
      }, Date.now)),
      aggregation: new AggregationPreflight(extensionAuth),
      fargatePlacement: new FargatePlacement({ aws, operatorRoleArn, objects, apiServices: cacheOf<V1APIService>('APIService') }),
      backends: [new BackendReconciler(new MetricsServerBackend({
        ...backendSources,
        kubeletTLS: new KubeletTLSFactsSource((namespace, name) => objects.read<V1ConfigMap>(objectRef('v1', 'ConfigMap', name, namespace)), Date.now),
        listNodeMetrics: () => listNodeMetrics(objects),
      }), backendDeps),
      new BackendReconciler(new ExistingMetricsServerBackend({
        readAPIService: (name) => ignoreNotFound(objects.read<V1APIService>(objectRef('apiregistration.k8s.io/v1', 'APIService', name))),
        kubeletTLS: new KubeletTLSFactsSource((namespace, name) => objects.read<V1ConfigMap>(objectRef('v1', 'ConfigMap', name, namespace)), Date.now),
        listNodeMetrics: () => listNodeMetrics(objects),
        readService: (namespace, name) => ignoreNotFound(objects.read<V1Service>(objectRef('v1', 'Service', name, namespace))),
        listDeployments: async (namespace) => (await objects.listKind<V1Deployment>('apps/v1', 'Deployment', { namespace })).items,
        listPods: async (namespace, labelSelector) => (await objects.listKind<V1Pod>('v1', 'Pod', { namespace, labelSelector })).items,
      }), backendDeps),
      new BackendReconciler(new PrometheusAdapterBackend({
        ...backendSources,
        checkPrometheus: (url) => prometheusProbe.check(url),
        listAPIResources: (group, version) => listAPIResources(objects, group, version),
        listNodeMetrics: () => listNodeMetrics(objects),
        namespaceExists: async (name) => (await ignoreNotFound(objects.read<V1Namespace>(objectRef('v1', 'Namespace', name)))) !== undefined,
        recheckHealthyMs: config.prometheusCheckPeriodMs,
      }), backendDeps)],
      fargateVerifier: new FargatePlacementVerifier(pods, nodes),
      clusterAutoscaler: new ClusterAutoscalerReconciler({
        aws, objects, serviceAccounts: cacheOf<V1ServiceAccount>('ServiceAccount'), applier: backendDeps.applier, operatorRoleArn, managedNamespaces,
      }),
      hpaDoctor,
    }),
    writer: new ApplyStackWriter(objects),
    objects,
    owned: () => [...owned.values()].flatMap((i) => i.list()),
    events,
    clock: () => new Date(),
    resyncPeriodMs: config.resyncPeriodMs,
    log,
  });

  const health = new HealthServer({ ...config.healthProbeBindAddress, registry: metrics.registry, logger });
  const metricsServer = new HealthServer({ ...config.metricsBindAddress, registry: metrics.registry, logger });
  const leaderElector = config.leaderElect
    ? new LeaderElector({
        client: leaseClientOf(objects), namespace: config.leaderElectionNamespace, name: config.leaderElectionId,
        identity: config.identity, leaseDurationSeconds: config.leaseDurationMs / 1000, renewDeadlineMs: config.renewDeadlineMs,
        retryPeriodMs: config.retryPeriodMs, logger,
      })
    : undefined;
  const manager = new Manager({
    controllers: [
      { name: 'metricsstack', informers: informers.all, queue, reconciler: parent, workers: config.workers },
    ],
    ...(leaderElector ? { leaderElector } : {}),
    health, metrics, logger, cacheSyncTimeoutMs: config.cacheSyncTimeoutMs,
  });
  metricsServer.readyWhen(() => manager.ready());
  await metricsServer.listen();
  stopOnSignals(manager, logger);
  await manager.start();
  const exit = await manager.done;
  await metricsServer.close();
  logger.info({ exit }, 'operator stopped');
  return exit === 'stopped' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`metricsstack-operator: fatal: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
