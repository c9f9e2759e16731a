/** Findings about the scale target itself: missing, no selector, scaled to 0, containers without requests. */
import { HpaCause, type Finding } from './causes.js';
import type { HpaFacts, TargetFacts } from './facts.js';
import { hpaCondition, utilizationNeeds } from './hpa-view.js';

/** The first finding here ends the diagnosis: without a target, nothing else about the HPA means anything. */
export function targetFindings(f: HpaFacts): Finding[] {
  const ref = f.hpa.spec?.scaleTargetRef;
  const what = `${ref?.kind ?? '?'} ${f.hpa.metadata?.namespace ?? ''}/${ref?.name ?? '?'}`;
  const scale = hpaCondition(f.hpa, 'AbleToScale');
  const active = hpaCondition(f.hpa, 'ScalingActive');
  if (f.target === 'missing' || (f.target === undefined && scale?.status === 'False' && scale.reason === 'FailedGetScale')) {
    return [{
      cause: HpaCause.TargetMissing,
      message: `scale target ${what} does not exist${scale?.reason === 'FailedGetScale' ? ` (HPA: ${scale.message ?? 'FailedGetScale'})` : ''}`,
      fix: `create ${what}, or point spec.scaleTargetRef (apiVersion, kind, name) at the workload that exists`,
    }];
  }
  const t = f.target;
  if ((t && !t.hasSelector) || active?.reason === 'InvalidSelector') {
    return [{
      cause: HpaCause.TargetHasNoSelector,
      message: `scale target ${what} has no usable selector, so the HPA cannot find its pods${active?.message ? ` (HPA: ${active.message})` : ''}`,
      fix: `give ${what} a spec.selector matching its pod template's labels (a custom resource must expose status.selector on its scale subresource)`,
    }];
  }
  if ((t && t.replicas === 0) || active?.reason === 'ScalingDisabled') {
    return [{
      cause: HpaCause.TargetScaledToZero,
      message: `scale target ${what} runs 0 replicas: the HPA disables itself (ScalingDisabled)`,
      fix: `scale ${what} to at least 1 replica (kubectl scale ${ref?.kind?.toLowerCase() ?? ''}/${ref?.name ?? ''} --replicas=1); ` +
        'scaling from 0 needs KEDA or the HPAScaleToZero feature gate',
    }];
  }
  return t ? missingRequests(f, t, what) : missingRequestsFromMessage(f, what);
}

/** Every container the utilization metric divides by must request the resource: `averageUtilization` is usage/request. */
function missingRequests(f: HpaFacts, t: TargetFacts, what: string): Finding[] {
  return utilizationNeeds(f.hpa).flatMap(({ resource, container }) => {
    const lacking = t.containers.filter((c) => (container === undefined || c.name === container) && !hasRequest(c.resources?.requests, resource));
    if (lacking.length === 0) return [];
    const names = lacking.map((c) => c.name).join(', ');
    return [{
      cause: HpaCause.MissingResourceRequest,
      message: `container${lacking.length > 1 ? 's' : ''} ${names} of ${what} ${lacking.length > 1 ? 'have' : 'has'} no ${resource} request, ` +
        `so the HPA cannot compute ${resource} utilization (missing request for ${resource})`,
      fix: `set resources.requests.${resource} on ${names} in ${what}'s pod template (sidecars and injected containers too), ` +
        `or scale on target.type AverageValue instead of Utilization`,
    }];
  });
}

const hasRequest = (requests: Record<string, string> | undefined, resource: string): boolean => {
  const v = requests?.[resource];
  return v !== undefined && v !== '' && v !== '0';
};

/** Without the pod template (not readable), the HPA's own message still names the container. */
function missingRequestsFromMessage(f: HpaFacts, what: string): Finding[] {
  const msg = hpaCondition(f.hpa, 'ScalingActive')?.message ?? '';
  const m = /missing request for (\S+?)(?: in container (\S+))?(?: of Pod|$|[:;,])/.exec(msg);
  if (!m) return [];
  const [, resource = 'cpu', container] = m;
  return [{
    cause: HpaCause.MissingResourceRequest,
    message: `${container ? `container ${container} of ` : 'a container of '}${what} has no ${resource} request (HPA: ${msg})`,
    fix: `set resources.requests.${resource} on every container of ${what}'s pod template, sidecars included`,
  }];
}
