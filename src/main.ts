/**
 * Composition root: config → clients → controllers → manager. The only place clients are made; everything else
 * receives them as parameters.
 */
import type { KubernetesObject, V1APIService, V1ConfigMap, V1Namespace, V1Node, V1Pod, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import { Agent as UndiciAgent, fetch as undiciFetch } from 'undici';
import { AwsCallCounter } from './cloud/aws/call-counter.js';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type MetricsStack } from './api/v1alpha1/types.js';
import { parseCommandLine } from './command-line.js';
import { EventRecorder, eventClientOf } from './controllers/events.js';
import { HealthServer } from './controllers/health.js';
import { ControllerInformer } from './controllers/informer.js';
import { LeaderElector, leaseClientOf } from './controllers/leader-election.js';
import { listWatchFactory } from './controllers/list-watch.js';
import { createLogger, controllerLogger } from './controllers/logging.js';
import { Manager, stopOnSignals } from './controllers/manager.js';
import { OperatorMetrics } from './controllers/metrics.js';
import { annotationsChanged, deletionTimestampSet, generationChanged, labelsChanged, or } from './controllers/predicates.js';
import { WorkQueue } from './controllers/workqueue.js';
import { Applier } from './kube/applier.js';
import { KubeClient } from './kube/client.js';
import { listAPIResources, listNodeMetrics } from './kube/api-probes.js';
import { ignoreNotFound } from './kube/errors.js';
import { loadKubeConfig, podNamespace } from './kube/in-cluster.js';
import { MANAGED_SELECTOR } from './kube/labels.js';
import { objectRef } from './kube/resources.js';
import { OWNER_LABEL } from './render/common/ownership.js';
import { ApplyStackWriter } from './kube/stack-writer.js';
import { AggregationPreflight } from './reconcilers/aggregation/preflight.js';
import { EXTENSION_AUTH_CONFIGMAP } from './reconcilers/aggregation/decision.js';
import type { ObjectCache } from './reconcilers/stack/context.js';
import { KubeletTLSFactsSource } from './reconcilers/metrics-server/kubelet-tls/facts.js';
import { BackendReconciler } from './reconcilers/backends/backend.js';
import { MetricsServerBackend } from './reconcilers/metrics-server/backend.js';
import { PrometheusAdapterBackend } from './reconcilers/prometheus-adapter/backend.js';
import { guardedLookup, PrometheusProbe } from './reconcilers/prometheus-adapter/prometheus-probe.js';
import { MetricsStackReconciler } from './reconcilers/stack/metricsstack.js';
import { nodeFactsChanged, trimNode } from './reconcilers/platform/node-facts.js';
import { PlatformObserver } from './reconcilers/platform/observer.js';
import { AwsSessionSource, type RegionClients } from './reconcilers/aws/session.js';
import { ClusterAutoscalerReconciler } from './reconcilers/cluster-autoscaler/index.js';
import { FargatePlacement, FargatePlacementVerifier, podPlacementChanged, trimPod } from './reconcilers/fargate/index.js';
import { ownedKindPath, WATCHED_KINDS } from './reconcilers/stack/owned-kinds.js';
import { orderSubReconcilers } from './reconcilers/stack/order.js';

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
  const factory = listWatchFactory(objects.watchConfig());
  const enqueue = (key: string): void => queue.add(key);

  const stacks = new ControllerInformer<MetricsStack>({
    path: `/apis/${GROUP}/${VERSION}/${PLURAL}`,
    list: (each) => objects.listKind<MetricsStack>(API_VERSION, KIND, {}, each),
    factory, logger: log, enqueue,
    keysFor: (s) => [s.metadata?.name ?? ''],
    // Our own status writes change neither generation nor deletion: they must not wake the reconciler.
    updatePredicate: or(generationChanged, deletionTimestampSet),
  });
  const allStacks = (): string[] => stacks.list().map((s) => s.metadata?.name ?? '');
  const byOwner = (o: KubernetesObject): string[] => { const owner = o.metadata?.labels?.[OWNER_LABEL]; return owner ? [owner] : []; };
  const extensionAuth = new ControllerInformer<V1ConfigMap>({
    path: `/api/v1/namespaces/${EXTENSION_AUTH_CONFIGMAP.namespace}/configmaps`,
    list: (each) => objects.listKind<V1ConfigMap>(
      'v1', 'ConfigMap', { namespace: EXTENSION_AUTH_CONFIGMAP.namespace, fieldSelector: `metadata.name=${EXTENSION_AUTH_CONFIGMAP.name}` }, each),
    fieldSelector: `metadata.name=${EXTENSION_AUTH_CONFIGMAP.name}`,
    factory, logger: log, enqueue, keysFor: allStacks,
  });
  const owned = new Map(WATCHED_KINDS.map((k) => [k.kind, new ControllerInformer<KubernetesObject>({
    path: ownedKindPath(k),
    list: (each) => objects.listKind(k.apiVersion, k.kind, { labelSelector: MANAGED_SELECTOR }, each),
    labelSelector: MANAGED_SELECTOR,
    // List items carry no apiVersion/kind; the inventory and the cleanup need both.
    transform: (o) => ({ ...o, apiVersion: k.apiVersion, kind: k.kind }),
    ...(k.ignoreStatusChanges ? { updatePredicate: or(generationChanged, labelsChanged, annotationsChanged) } : {}),
    factory, logger: log, enqueue,
    keysFor: byOwner,
  })] as const));
  const cacheOf = <T,>(kind: string) => owned.get(kind) as unknown as ObjectCache<T>;
  // Every stack depends on the node list (platform, flags); only metadata and addresses are kept (trimNode).
  const nodes = new ControllerInformer<V1Node>({
    path: '/api/v1/nodes', list: (each) => objects.listKind<V1Node>('v1', 'Node', {}, each), transform: trimNode,
    updatePredicate: nodeFactsChanged, factory, logger: log, enqueue, keysFor: allStacks,
  });
  // Our own pods only (label-selected, trimmed): where metrics-server really runs, for the Fargate verifier.
  const pods = new ControllerInformer<V1Pod>({
    path: '/api/v1/pods', list: (each) => objects.listKind<V1Pod>('v1', 'Pod', { labelSelector: MANAGED_SELECTOR }, each), labelSelector: MANAGED_SELECTOR,
    transform: trimPod, updatePredicate: podPlacementChanged, factory, logger: log, enqueue,
    keysFor: byOwner,
  });
  // AWS clients per region, made on first use: only a stack on EKS whose spec needs AWS ever asks for them.
  const awsRegions = new Map<string, RegionClients>();
  const awsCalls = new AwsCallCounter((operation) => metrics.awsCalls.inc({ operation }));
  const aws = new AwsSessionSource({
    defaultRegion: config.awsRegion,
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
  const readSecret = (name: string, namespace: string) => ignoreNotFound(objects.read<V1Secret>(objectRef('v1', 'Secret', name, namespace)));
  const backendDeps = {
    applier: new Applier(objects, (ref: KubernetesObject) => owned.get(ref.kind ?? '')?.get(ref.metadata?.name ?? '', ref.metadata?.namespace)),
    apiServices: cacheOf<V1APIService>('APIService'),
  };
  const parent = new MetricsStackReconciler({
    stacks,
    subs: orderSubReconcilers({
      platform: new PlatformObserver(nodes),
      aggregation: new AggregationPreflight(extensionAuth),
      fargatePlacement: new FargatePlacement({ aws, operatorRoleArn }),
      backends: [new BackendReconciler(new MetricsServerBackend({
        readSecret,
        apiServices: cacheOf<V1APIService>('APIService'),
        kubeletTLS: new KubeletTLSFactsSource((namespace, name) => objects.read<V1ConfigMap>(objectRef('v1', 'ConfigMap', name, namespace)), Date.now),
        listNodeMetrics: () => listNodeMetrics(objects),
      }), backendDeps),
      new BackendReconciler(new PrometheusAdapterBackend({
        readSecret,
        apiServices: cacheOf<V1APIService>('APIService'),
        checkPrometheus: (url) => prometheusProbe.check(url),
        listAPIResources: (group, version) => listAPIResources(objects, group, version),
        listNodeMetrics: () => listNodeMetrics(objects),
        namespaceExists: async (name) => (await ignoreNotFound(objects.read<V1Namespace>(objectRef('v1', 'Namespace', name)))) !== undefined,
        recheckHealthyMs: config.prometheusCheckPeriodMs,
      }), backendDeps)],
      fargateVerifier: new FargatePlacementVerifier(pods, nodes),
      clusterAutoscaler: new ClusterAutoscalerReconciler({
        aws, objects, serviceAccounts: cacheOf<V1ServiceAccount>('ServiceAccount'), applier: backendDeps.applier, operatorRoleArn,
      }),
    }),
    writer: new ApplyStackWriter(objects),
    objects,
    owned: () => [...owned.values()].flatMap((i) => i.list()),
    events: new EventRecorder({ client: eventClientOf(objects), logger: log, instance: config.identity }),
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
      { name: 'metricsstack', informers: [stacks, extensionAuth, nodes, pods, ...owned.values()], queue, reconciler: parent, workers: config.workers },
    ],
    ...(leaderElector ? { leaderElector } : {}),
    health, metrics, logger,
  });
  metricsServer.readyWhen(() => manager.ready());
  await metricsServer.listen();
  stopOnSignals(manager, logger);
  await manager.start();
  const exit = await manager.done;
  await metricsServer.close();
  logger.info({ exit }, 'operator stopped');
  return exit === 'lost-leadership' ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`metricsstack-operator: fatal: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
