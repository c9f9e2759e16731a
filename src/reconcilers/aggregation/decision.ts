import type { V1ConfigMap } from '@kubernetes/client-node';
import type { ConditionInput } from '../../kube/conditions.js';

export const EXTENSION_AUTH_CONFIGMAP = { namespace: 'kube-system', name: 'extension-apiserver-authentication' } as const;

/**
 * Seed 000: metrics-server crash-loops with `configmaps "extension-apiserver-authentication" not found` when the
 * apiserver has no aggregation layer. The apiserver writes that ConfigMap itself from --client-ca-file and the
 * --requestheader-* flags, so its absence, or a missing requestheader CA inside it, names the apiserver flag to fix.
 */
export function decideAggregationLayer(cm: V1ConfigMap | undefined): ConditionInput {
  const type = 'AggregationLayerReady';
  if (!cm) {
    return {
      type,
      status: 'False',
      reason: 'ExtensionAPIAuthenticationMissing',
      message:
        'configmaps "extension-apiserver-authentication" not found in kube-system: the API aggregation layer is not ' +
        'configured, so metrics-server and prometheus-adapter would crash-loop. Start kube-apiserver with --client-ca-file ' +
        'and --requestheader-client-ca-file, --requestheader-allowed-names, --requestheader-username-headers=X-Remote-User, ' +
        '--requestheader-group-headers=X-Remote-Group, --requestheader-extra-headers-prefix=X-Remote-Extra-, ' +
        '--proxy-client-cert-file and --proxy-client-key-file; the apiserver then creates the ConfigMap.',
    };
  }
  if (!cm.data?.['requestheader-client-ca-file']) {
    return {
      type,
      status: 'False',
      reason: 'RequestHeaderCAMissing',
      message:
        'kube-system/extension-apiserver-authentication has no requestheader-client-ca-file: kube-apiserver runs without ' +
        '--requestheader-client-ca-file, so it cannot proxy authenticated requests to metrics APIs. ' +
        'Add --requestheader-client-ca-file (the front-proxy CA) with --proxy-client-cert-file/--proxy-client-key-file signed by it.',
    };
  }
  return {
    type,
    status: 'True',
    reason: 'AggregationLayerConfigured',
    message: 'kube-system/extension-apiserver-authentication carries requestheader-client-ca-file: extension API servers can authenticate the apiserver.',
  };
}
