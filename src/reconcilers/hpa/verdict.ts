/**
 * The HPA doctor's decision: (facts about one HPA and the cluster) → a verdict naming the root cause and its fix.
 * Pure, and shared by the operator and the kubectl plugin so the two never disagree.
 */
import { apiFindings } from './api-checks.js';
import { CAUSE_ORDER, HpaCause, type Finding, type HpaVerdict } from './causes.js';
import type { HpaFacts } from './facts.js';
import { hpaCondition } from './hpa-view.js';
import { metricNameFindings } from './metric-names.js';
import { limitFindings, placementFindings } from './placement-checks.js';
import { targetFindings } from './target-checks.js';

export function diagnoseHpa(f: HpaFacts): HpaVerdict {
  const namespace = f.hpa.metadata?.namespace ?? '';
  const name = f.hpa.metadata?.name ?? '';
  const target = targetFindings(f);
  // Without a target (or its pods) nothing else can be judged; a missing request still leaves the APIs to check.
  const blocking = target.some((t) => t.cause !== HpaCause.MissingResourceRequest);
  const findings = blocking ? target : [...target, ...apiFindings(f), ...metricNameFindings(f), ...placementFindings(f), ...limitFindings(f)];
  if (findings.length === 0) findings.push(...hpaOwnFailure(f));
  findings.sort((a, b) => CAUSE_ORDER.indexOf(a.cause) - CAUSE_ORDER.indexOf(b.cause));
  return { namespace, name, findings };
}

/** The HPA says it cannot scale and no fact explains why: pass its own words on. */
function hpaOwnFailure(f: HpaFacts): Finding[] {
  const failed = ['AbleToScale', 'ScalingActive'].map((t) => hpaCondition(f.hpa, t)).find((c) => c?.status === 'False');
  // ScalingDisabled and friends are handled above; a False condition with no reason is still a failure worth naming.
  if (!failed) return [];
  return [{
    cause: HpaCause.HPAReportsFailure,
    message: `HPA condition ${failed.type} is False (${failed.reason ?? 'no reason'}): ${failed.message ?? ''}`.trim(),
    fix: `kubectl -n ${f.hpa.metadata?.namespace ?? ''} describe hpa ${f.hpa.metadata?.name ?? ''} and fix what its events name`,
  }];
}
