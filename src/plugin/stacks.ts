/**
 * The MetricsStacks' expectations, for the plugin: which Service each metrics API should point at, computed by the
 * same pure function the operator's doctor uses, so the two call the same Service "other". Read-only; a cluster
 * without the CRD (no operator) or a user who may not list MetricsStacks simply has no expectation.
 */
import { withDefaults } from '../api/v1alpha1/defaults.js';
import { API_VERSION, KIND, type MetricsStack } from '../api/v1alpha1/types.js';
import type { ObjectClient } from '../kube/client.js';
import { apiMessage, statusCodeOf } from '../kube/errors.js';
import { agreedExpectations, expectedServices, type ExpectedServices } from '../reconcilers/hpa/expected-services.js';
import type { SpecRuleNames } from '../reconcilers/hpa/facts.js';
import { specRuleNames } from '../reconcilers/hpa/spec-rules.js';

/** What the doctor compares with the MetricsStacks: the Services they deploy, and the metric names their adapter rules give. */
export interface StackExpectations {
  readonly expectedServices: ExpectedServices;
  readonly specRules: SpecRuleNames | undefined;
}

export async function readStackExpectations(client: Pick<ObjectClient, 'listKind'>, warn: (line: string) => void): Promise<StackExpectations> {
  let stacks: MetricsStack[];
  try {
    stacks = (await client.listKind<MetricsStack>(API_VERSION, KIND)).items;
  } catch (err) {
    // 404: the CRD is not installed. 403: not ours to read. Either way the verdicts stand without "served by other".
    if (statusCodeOf(err) === 404) return { expectedServices: {}, specRules: undefined };
    if (statusCodeOf(err) === 403) {
      warn(`warning: cannot list MetricsStacks (${apiMessage(err)}): APIServices are not compared with what a MetricsStack deploys\n`);
      return { expectedServices: {}, specRules: undefined };
    }
    throw err;
  }
  // status.metricsServer.namespace is where the operator placed metrics-server (spec.fargate may move it).
  const specs = stacks.map((s) => ({ spec: withDefaults(s.spec), placedIn: s.status?.metricsServer?.namespace }));
  return {
    expectedServices: agreedExpectations(specs.map((s) => expectedServices(s.spec, s.placedIn))),
    // The operator's doctor reads its own stack's rules; the plugin, every stack's (one adapter serves the cluster).
    specRules: specRuleNames(specs.flatMap((s) => s.spec.prometheusAdapter?.rules ?? [])),
  };
}
