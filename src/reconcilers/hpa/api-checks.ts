/** Findings about the metrics APIs an HPA needs: registered, Available, served by whom the MetricsStack expects. */
import { HpaCause, type Finding } from './causes.js';
import { API_GROUP, API_SERVICE_NAMES, type ApiServiceFacts, type HpaFacts, type MetricsApi } from './facts.js';
import { isKedaHpa, neededApis } from './hpa-view.js';

const serviceOf = (a: ApiServiceFacts): string => (a.service ? `${a.service.namespace}/${a.service.name}` : 'the apiserver itself');
/** KEDA's metrics apiserver Service (keda/keda-operator-metrics-apiserver in its chart). */
const isKeda = (a: ApiServiceFacts): boolean => /keda/.test(a.service?.name ?? '') || a.service?.namespace === 'keda';

export function apiFindings(f: HpaFacts): Finding[] {
  return neededApis(f.hpa).flatMap((api): Finding[] => {
    if (!(api in f.apiServices)) return [];
    const a = f.apiServices[api];
    const group = API_GROUP[api];
    if (!a) {
      return [{
        cause: HpaCause.MetricsAPINotRegistered,
        message: `no APIService serves ${group} (${API_SERVICE_NAMES[api][0]} is not registered): the HPA gets ` +
          `"the server could not find the requested resource"`,
        fix: api === 'metrics'
          ? 'set the MetricsStack spec.resourceMetrics.provider to metrics-server (or prometheus-adapter), or install metrics-server'
          : 'set the MetricsStack spec.resourceMetrics.provider to prometheus-adapter with rules for this metric, or install an adapter',
      }];
    }
    if (api === 'external' && isKeda(a) && !isKedaHpa(f.hpa)) {
      return [{
        cause: HpaCause.ExternalMetricsOwnedByOther,
        message: `${a.name} is served by KEDA (${serviceOf(a)}), but this HPA is not made by a KEDA ScaledObject: ` +
          'only one provider can serve external.metrics.k8s.io per cluster (keda #470)',
        fix: 'express this scaling as a KEDA ScaledObject (KEDA then owns the HPA), or move the metric to a Pods/Object metric ' +
          'served by custom.metrics.k8s.io',
      }];
    }
    const expected = f.expectedServices?.[api];
    // An APIService the operator applied is not "another" installation's: it points at the old backend mid-handover.
    if (expected !== undefined && a.service && serviceOf(a) !== expected && a.owner === undefined) {
      return [{
        cause: HpaCause.MetricsAPIServedByOther,
        message: `${a.name} points at ${serviceOf(a)}, not at ${expected} that the MetricsStack deploys`,
        fix: `remove the other installation's APIService ${a.name} (or its Helm release / EKS add-on), or ` +
          (api === 'metrics' ? 'keep it and set the MetricsStack spec.resourceMetrics.provider: existing (the operator then verifies it)'
            : `drop spec.prometheusAdapter.${api === 'custom' ? 'rules' : 'externalRules'} from the MetricsStack so that prometheus-adapter ` +
              `does not claim ${group}`),
      }];
    }
    if (a.available !== 'True') return [notAvailable(api, a)];
    return [];
  });
}

function notAvailable(api: MetricsApi, a: ApiServiceFacts): Finding {
  const why = a.reason ? `${a.reason}${a.message ? `: ${a.message}` : ''}` : 'no Available condition yet';
  const fixes: Record<string, string> = {
    FailedDiscoveryCheck: `make ${serviceOf(a)}'s pods reachable from the apiserver and serving (check its pods' logs, ` +
      'NetworkPolicies and security groups allowing the apiserver to its port)',
    MissingEndpoints: `start ${serviceOf(a)}'s pods (none is Ready behind the Service)`,
    ServiceNotFound: `create Service ${serviceOf(a)}, or delete the stale APIService ${a.name}`,
  };
  return {
    cause: HpaCause.MetricsAPINotAvailable,
    message: `${a.name} (${API_GROUP[api]}) is not Available (${why}): the HPA gets "the server is currently unable to handle the request"`,
    fix: fixes[a.reason ?? ''] ?? `fix ${serviceOf(a)} until kubectl get apiservice ${a.name} shows Available True`,
  };
}
