/**
 * What the kube-aggregator said about an APIService it could not use (its reason and message), made to read as what
 * it is. Its messages look like `failing or missing response from https://10.0.128.5:10251/apis/metrics.k8s.io/v1beta1:
 * Get "…": dial tcp 10.0.128.5:10251: connect: network is unreachable`. A failed dial names the endpoint and the cause
 * first; the aggregator's own text follows, bounded, since it can quote whatever answered at that address. Pure.
 */
import { isAggregatorReason, relayReason, type ConditionReason, type RelayedReason } from '../../api/v1alpha1/conditions.js';

const MAX_QUOTED = 300;

/**
 * The reason a metrics API condition repeats from the APIService's Available condition: one the aggregator is known
 * to give, any other CamelCase one passed on as it is, else APIServiceUnavailable (a condition reason is CamelCase).
 */
export function aggregatorReason(reason: string | undefined): ConditionReason | RelayedReason {
  if (!reason || !/^[A-Za-z]\w*$/.test(reason)) return 'APIServiceUnavailable';
  return isAggregatorReason(reason) ? reason : relayReason(reason);
}

export function describeAggregatorMessage(message: string | undefined): string {
  if (!message) return '';
  const quoted = message.length > MAX_QUOTED ? `${message.slice(0, MAX_QUOTED)}…` : message;
  const dial = /dial tcp ([^\s:]+:\d+): (?:connect: )?([^"\n]+?)(?:["\n]|$)/.exec(message);
  if (dial) return `the apiserver could not reach ${dial[1]} (${dial[2]!.trim()}); aggregator: ${quoted}`;
  const tls = /(x509: [^"\n]+|tls: [^"\n]+)/.exec(message);
  const url = /from (https?:\/\/[^\s:]+(?::\d+)?)/.exec(message);
  if (tls && url) return `the apiserver does not trust what answered at ${url[1]} (${tls[1]!.slice(0, 120)}); aggregator: ${quoted}`;
  return `aggregator: ${quoted}`;
}
