import type { V1ConfigMap } from '@kubernetes/client-node';
import { decideAggregationLayer, EXTENSION_AUTH_CONFIGMAP } from './decision.js';
import type { ObjectCache, StackContext, ObservingReconciler } from '../stack/context.js';

/** Checks the aggregation layer before anything that depends on it is deployed (condition AggregationLayerReady). */
export class AggregationPreflight implements ObservingReconciler {
  readonly name = 'aggregation-preflight';
  readonly owns = 'nothing';

  constructor(private readonly configMaps: ObjectCache<V1ConfigMap>) {}

  async reconcile(ctx: StackContext): Promise<{ requeueAfterMs?: number }> {
    const cm = this.configMaps.get(EXTENSION_AUTH_CONFIGMAP.name, EXTENSION_AUTH_CONFIGMAP.namespace);
    ctx.setCondition(decideAggregationLayer(cm));
    return {};
  }
}
