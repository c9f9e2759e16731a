/** Which node address metrics-server dials, hence which name the kubelet serving certificates must carry. */
import { NODE_ADDRESS_TYPES } from '../../../api/v1alpha1/schema-metrics-server.js';

/** The order for `--kubelet-preferred-address-types`, decided once and used both to inspect kubelets and for the flag. */
export interface AddressTypes {
  /** The flag's value, in order. */
  readonly types: string[];
  /** The type metrics-server really dials (the first one nodes report): kubelet certificates must name that address. */
  readonly dialled: string;
  readonly reason: string;
}

const list = (types: readonly string[]) => types.join(',');

/**
 * Orders `preferred` so that its first type is one the nodes report: that is the type metrics-server will really use
 * (it skips types a node lacks), hence the one whose SANs the kubelet certificates must cover. The spec's order is kept
 * when its first type is already reported.
 */
export function preferAddressTypes(preferred: readonly string[], reported: readonly string[]): AddressTypes {
  const choose = (types: string[], reason: string): AddressTypes => ({ types, dialled: types[0] ?? 'InternalIP', reason });
  const usable: string[] = NODE_ADDRESS_TYPES.filter((t) => reported.includes(t));
  const had = preferred.filter((t) => usable.includes(t));
  const lacked = preferred.filter((t) => !usable.includes(t));
  const spec = `spec.metricsServer.kubeletPreferredAddressTypes (${list(preferred)})`;
  if (usable.length === 0) return choose([...preferred], `No node reports an address yet, so the order of ${spec} is kept.`);
  if (had.length === 0) {
    const first = list(usable);
    const reason = `Nodes report only ${first}, none of ${spec}, so ${first} go first; otherwise metrics-server would find no address to scrape.`;
    return choose([...usable, ...preferred], reason);
  }
  const first = `Nodes report ${list(usable)}, so metrics-server reaches kubelets by ${had[0]}, the first preferred type they have`;
  if (had[0] === preferred[0]) return choose([...preferred], `${first}.`);
  return choose([...had, ...lacked], `${first}, and ${list(lacked)}, which no node reports, move last.`);
}
