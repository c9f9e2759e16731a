/** A configuration change to an existing metrics-server, written in its installer's terms: add-on values, helm --set, or a patch. */
import type { Installer } from './installer.js';

/** What must change: an argument to add (replacing any of the same flag), the secure port, or keeping its pods off Fargate. */
export type Change =
  | { readonly kind: 'arg'; readonly arg: string }
  | { readonly kind: 'port'; readonly port: number }
  | { readonly kind: 'avoidFargate' };

/** Where the Deployment is, for kubectl patches. */
export interface DeploymentRef {
  readonly namespace: string;
  readonly name: string;
}

const AVOID_FARGATE = {
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
    { matchExpressions: [{ key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate'] }] }] } } },
};

/** The EKS add-on's configuration values (the chart's values schema: args, containerPort, affinity). */
function addonValues(change: Change): object {
  if (change.kind === 'arg') return { args: [change.arg] };
  if (change.kind === 'port') return { containerPort: change.port };
  return AVOID_FARGATE;
}

/** The command that applies `change`; cluster is the EKS cluster name when known. */
export function fixFor(installer: Installer, change: Change, deployment: DeploymentRef, cluster?: string): string {
  switch (installer.kind) {
    case 'EKSAddon':
      return `aws eks update-addon --cluster-name ${cluster ?? '<cluster>'} --addon-name metrics-server --configuration-values ` +
        `'${JSON.stringify(addonValues(change))}' (merge with the add-on's current values: aws eks describe-addon ... --query addon.configurationValues)`;
    case 'Helm': {
      const set = change.kind === 'arg' ? `--set 'args={${change.arg.replace(/,/g, '\\,')}}'`
        : change.kind === 'port' ? `--set containerPort=${change.port}`
          : `--set-json 'affinity=${JSON.stringify(AVOID_FARGATE.affinity)}'`;
      return `helm upgrade ${installer.release} metrics-server/metrics-server -n ${installer.namespace} --reuse-values ${set} ` +
        '(keep any args the release already sets: helm get values ' + `${installer.release} -n ${installer.namespace})`;
    }
    default: {
      const target = `kubectl -n ${deployment.namespace} patch deployment ${deployment.name}`;
      const addArg = (value: string) => `${target} --type=json -p '${JSON.stringify([{ op: 'add', path: '/spec/template/spec/containers/0/args/-', value }])}'`;
      if (change.kind === 'arg') return `${addArg(change.arg)} (remove any earlier value of the same flag)`;
      if (change.kind === 'port') return `${addArg(`--secure-port=${change.port}`)} and change the container port and Service targetPort to ${change.port}`;
      return `${target} --type=merge -p '${JSON.stringify({ spec: { template: { spec: AVOID_FARGATE } } })}'`;
    }
  }
}
