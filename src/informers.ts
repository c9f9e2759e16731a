/**
 * The informers of the metricsstack controller, and where each lists and watches. MetricsStacks, nodes and our
 * cluster-scoped kinds: cluster-wide. Our namespaced kinds and pods: in each managed namespace (watchScopes), because
 * the chart grants them there only. The aggregation layer's ConfigMap: by name. Part of the composition root.
 */
import type { KubernetesObject, V1ConfigMap, V1Node, V1Pod, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type MetricsStack } from './api/v1alpha1/types.js';
import { ControllerInformer, type ControllerInformerOptions } from './controllers/informer.js';
import { InformerSet } from './controllers/informer-set.js';
import type { InformerFactory } from './controllers/list-watch.js';
import type { Logger } from './controllers/logging.js';
import type { ManagedInformer } from './controllers/manager.js';
import { annotationsChanged, deletionTimestampSet, generationChanged, labelsChanged, or } from './controllers/predicates.js';
import type { ObjectClient } from './kube/client.js';
import { MANAGED_SELECTOR } from './kube/labels.js';
import { METADATA_ONLY_WATCH } from './kube/metadata-only.js';
import { collectionPath, mappingOf } from './kube/resources.js';
import { OWNER_LABEL } from './render/common/ownership.js';
import { EXTENSION_AUTH_CONFIGMAP } from './reconcilers/aggregation/decision.js';
import { podPlacementChanged, trimPod } from './reconcilers/fargate/index.js';
import { hpaVerdictInputsChanged, trimHpa } from './reconcilers/hpa/hpa-view.js';
import { nodeFactsChanged, trimNodeMetadata } from './reconcilers/platform/node-facts.js';
import type { ObjectCache } from './reconcilers/stack/context.js';
import { POD_KIND, WATCHED_KINDS, watchScopes, type WatchedKind } from './reconcilers/stack/owned-kinds.js';

export interface InformerDeps {
  readonly objects: Pick<ObjectClient, 'listKind'>;
  readonly factory: InformerFactory;
  readonly logger: Logger;
  readonly enqueue: (key: string) => void;
  /** --managed-namespaces; undefined: namespaced kinds are watched cluster-wide. */
  readonly managedNamespaces?: readonly string[] | undefined;
}

export interface StackInformers {
  readonly stacks: ControllerInformer<MetricsStack>;
  readonly extensionAuth: ControllerInformer<V1ConfigMap>;
  readonly nodes: ControllerInformer<V1Node>;
  readonly pods: InformerSet<V1Pod>;
  /** Every autoscaling/v2 HPA, cluster-wide, for the HPA doctor. */
  readonly hpas: ControllerInformer<V2HorizontalPodAutoscaler>;
  /** By kind: the label-selected caches of everything we own. */
  readonly owned: ReadonlyMap<string, InformerSet<KubernetesObject>>;
  /** Every informer, for the manager to start, sync and stop. */
  readonly all: readonly ManagedInformer[];
}

type ScopedOptions<T extends KubernetesObject> = Partial<Omit<ControllerInformerOptions<T>, 'path' | 'list' | 'labelSelector' | 'fieldSelector'>>;

export function stackInformers(d: InformerDeps): StackInformers {
  const { factory, logger, enqueue } = d;
  const stacks = new ControllerInformer<MetricsStack>({
    path: `/apis/${GROUP}/${VERSION}/${PLURAL}`,
    list: (each) => d.objects.listKind<MetricsStack>(API_VERSION, KIND, {}, each),
    factory, logger, enqueue,
    keysFor: (s) => [s.metadata?.name ?? ''],
    // Our own status writes change neither generation nor deletion: they must not wake the reconciler.
    updatePredicate: or(generationChanged, deletionTimestampSet),
  });
  const allStacks = (): string[] => stacks.list().map((s) => s.metadata?.name ?? '');
  const byOwner = (o: KubernetesObject): string[] => { const owner = o.metadata?.labels?.[OWNER_LABEL]; return owner ? [owner] : []; };
  const byName = `metadata.name=${EXTENSION_AUTH_CONFIGMAP.name}`;
  const extensionAuth = new ControllerInformer<V1ConfigMap>({
    path: `/api/v1/namespaces/${EXTENSION_AUTH_CONFIGMAP.namespace}/configmaps`,
    list: (each) => d.objects.listKind<V1ConfigMap>('v1', 'ConfigMap', { namespace: EXTENSION_AUTH_CONFIGMAP.namespace, fieldSelector: byName }, each),
    fieldSelector: byName, factory, logger, enqueue, keysFor: allStacks,
  });
  // Label-selected (and for some kinds name-selected) informers of one kind, one per namespace it is watched in.
  const scoped = <T extends KubernetesObject>(k: WatchedKind, o: ScopedOptions<T>): InformerSet<T> =>
    new InformerSet(watchScopes(k, d.managedNamespaces).map(({ namespace, name }) => {
      const fieldSelector = name ? `metadata.name=${name}` : undefined;
      return new ControllerInformer<T>({
        path: collectionPath(mappingOf(k.apiVersion, k.kind), namespace),
        list: (each) => d.objects.listKind<T>(k.apiVersion, k.kind, { namespace, labelSelector: MANAGED_SELECTOR, fieldSelector }, each),
        labelSelector: MANAGED_SELECTOR, ...(fieldSelector ? { fieldSelector } : {}),
        factory, logger, enqueue, keysFor: byOwner, ...o,
      });
    }));
  const owned = new Map(WATCHED_KINDS.map((k) => [k.kind, scoped<KubernetesObject>(k, {
    // List items carry no apiVersion/kind; the inventory and the cleanup need both.
    transform: (o) => ({ ...o, apiVersion: k.apiVersion, kind: k.kind }),
    ...(k.ignoreStatusChanges ? { updatePredicate: or(generationChanged, labelsChanged, annotationsChanged) } : {}),
  })] as const));
  // Every stack depends on the node list (platform, flags). Metadata only (PartialObjectMetadata): a heartbeat still
  // sends an event, but without the Node's status, and only a change to the kept labels wakes the stacks. The few
  // spec and status fields read come from NodeDetailsSource. A heartbeat leaves the cached node as it was (same
  // object): what is built from the node list (node-details.ts's merge, the node summary) is reused through a wave.
  const nodes = new ControllerInformer<V1Node>({
    path: '/api/v1/nodes', list: (each) => d.objects.listKind<V1Node>('v1', 'Node', { metadataOnly: true }, each),
    watchAccept: METADATA_ONLY_WATCH, transform: trimNodeMetadata,
    // No updatePredicate: the loop emits an update only when nodeFactsChanged, so every update it emits is one.
    unchanged: (cached, next) => !nodeFactsChanged(cached, next), dropManagedFields: true, factory, logger, enqueue, keysFor: allStacks,
  });
  // Our own pods only (label-selected, trimmed): where metrics-server really runs, for the Fargate verifier.
  const pods = scoped<V1Pod>(POD_KIND, { transform: trimPod, updatePredicate: podPlacementChanged });
  // Users' HPAs, cluster-wide and trimmed; a metric sample alone (status.currentMetrics) does not wake the reconciler.
  const hpas = new ControllerInformer<V2HorizontalPodAutoscaler>({
    path: '/apis/autoscaling/v2/horizontalpodautoscalers', transform: trimHpa, updatePredicate: hpaVerdictInputsChanged, dropManagedFields: true,
    list: (each) => d.objects.listKind<V2HorizontalPodAutoscaler>('autoscaling/v2', 'HorizontalPodAutoscaler', {}, each),
    factory, logger, enqueue, keysFor: allStacks,
  });
  return { stacks, extensionAuth, nodes, pods, hpas, owned, all: [stacks, extensionAuth, nodes, pods, hpas, ...owned.values()] };
}

/** The cache of one owned kind, typed for the reconciler that reads it. */
export const cacheOf = <T,>(informers: StackInformers, kind: string): ObjectCache<T> => informers.owned.get(kind) as unknown as ObjectCache<T>;
