/**
 * The doctor's AWS rows, by the operator's own decisions and read-only calls: is the EKS cluster named really this
 * one (equal OIDC issuers), does a Fargate profile select metrics-server's pods (seed 001), and may Cluster
 * Autoscaler's service account assume the IAM role it names (seed 003). AWS errors become "not checked" lines.
 */
import type { V1ServiceAccount } from '@kubernetes/client-node';
import { accessDeniedMessage } from '../cloud/aws/access-denied.js';
import { classifyAwsError } from '../cloud/aws/errors.js';
import type { AwsPorts } from '../cloud/aws/ports.js';
import { apiMessage } from '../kube/errors.js';
import { decideClusterIdentity } from '../reconcilers/aws/identity.js';
import { AwsTargetError, inferClusterName } from '../reconcilers/aws/session.js';
import { checkIrsa } from '../reconcilers/cluster-autoscaler/irsa/check.js';
import { accountIdFromArn } from '../reconcilers/cluster-autoscaler/irsa/trust-policy.js';
import { ROLE_ARN_ANNOTATION, type ServiceAccountRef } from '../reconcilers/cluster-autoscaler/service-account.js';
import { describeProfiles } from '../reconcilers/fargate/decision.js';
import { matchingProfiles } from '../reconcilers/fargate/profile-match.js';
import { readFargateProfiles } from '../reconcilers/fargate/profiles.js';
import { COMPUTE_TYPE_LABEL } from '../reconcilers/platform/node-facts.js';
import type { MetricsServerCheck } from './cluster-checks.js';
import { irsaFix } from './irsa-fix.js';
import type { ReportRow } from './report.js';

export interface AwsCheckInput {
  readonly region: string;
  /** --cluster, else the nodes' label; undefined → the region's only cluster. */
  readonly cluster: string | undefined;
  readonly ports: Pick<AwsPorts, 'eks' | 'iam'>;
  readonly apiserverIssuer: () => Promise<string>;
  readonly metricsServer: MetricsServerCheck['pods'];
  readonly autoscaler: ServiceAccountRef;
  readonly readServiceAccount: (ref: ServiceAccountRef) => Promise<V1ServiceAccount | undefined>;
}

export interface AwsCheck {
  readonly rows: ReportRow[];
  readonly unknown: string[];
  readonly details: Record<string, unknown>;
}

/** An AWS failure as a "not checked" line; AccessDenied names the action to grant. */
export function awsUnknown(doing: string, err: unknown): string {
  if (err instanceof AwsTargetError) return `${doing}: ${err.message.replace(/Set spec\.cluster\.name\.$/, 'Pass --cluster NAME.')}`;
  const info = classifyAwsError(err);
  const why = info.kind === 'AccessDenied' ? accessDeniedMessage(info).replace(/ to a policy attached to the operator's IAM role.*?\. AWS said/,
    ' to your AWS identity\'s policy. AWS said') : info.message;
  return `${doing}: ${why}`;
}

export async function checkAws(i: AwsCheckInput): Promise<AwsCheck> {
  const rows: ReportRow[] = [];
  const unknown: string[] = [];
  let clusterName: string;
  let oidcIssuer: string | undefined;
  try {
    clusterName = await inferClusterName(i.ports, i.region, i.cluster);
    oidcIssuer = (await i.ports.eks.describeCluster(clusterName)).oidcIssuer;
  } catch (err) {
    return { rows, unknown: [awsUnknown(`the AWS side (region ${i.region})`, err)], details: { aws: { region: i.region } } };
  }
  const details: Record<string, unknown> = { region: i.region, clusterName, oidcIssuer };
  const issuer = await i.apiserverIssuer().catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }));
  const identity = decideClusterIdentity({ clusterName, region: i.region, eksIssuer: oidcIssuer, apiserverIssuer: issuer });
  if (!identity.verified && typeof issuer === 'string' && oidcIssuer) {
    rows.push({ object: `eks cluster ${clusterName}`, cause: 'ClusterIdentityUnverified',
      message: `EKS cluster ${clusterName} in ${i.region} has OIDC issuer ${oidcIssuer}, but this cluster's service-account issuer is ${issuer}: ` +
        'it is another cluster, so its Fargate profiles and IRSA say nothing about this one',
      fix: 'pass --cluster and --region naming this cluster in EKS' });
    return { rows, unknown, details: { aws: details } };
  }
  if (!identity.verified) {
    const why = typeof issuer !== 'string'
      ? `this cluster's service-account issuer could not be read (${issuer.error})` : 'EKS reports no OIDC issuer for it yet';
    unknown.push(`that EKS cluster ${clusterName} is this cluster: ${why}`);
  }

  if (i.metricsServer) {
    try {
      const profiles = await readFargateProfiles(i.ports.eks, clusterName);
      details.fargateProfiles = profiles.map((p) => p.name);
      const hits = matchingProfiles(profiles, i.metricsServer);
      // The operator's Annotate strategy: this annotation keeps a pod on EC2 whatever profile selects it.
      if (hits.length > 0 && i.metricsServer.annotations[COMPUTE_TYPE_LABEL] !== 'ec2') rows.push(fargateRow(hits, i.metricsServer.namespace));
    } catch (err) {
      unknown.push(awsUnknown(`the Fargate profiles of EKS cluster ${clusterName}`, err));
    }
  }

  const sa = await i.readServiceAccount(i.autoscaler).catch((err: unknown) => {
    unknown.push(`Cluster Autoscaler's service account ${i.autoscaler.namespace}/${i.autoscaler.name}: ${apiMessage(err)}`);
    return undefined;
  });
  const roleArn = sa?.metadata?.annotations?.[ROLE_ARN_ANNOTATION];
  details.autoscalerServiceAccount = { ...i.autoscaler, found: sa !== undefined, ...(roleArn && { roleArn }) };
  if (roleArn) {
    try {
      const irsa = await checkIrsa(i.ports, clusterName, roleArn, i.autoscaler);
      if (!irsa.ok && irsa.status === 'Unknown') unknown.push(`IRSA of ${i.autoscaler.namespace}/${i.autoscaler.name}: ${irsa.message}`);
      else if (!irsa.ok) {
        rows.push({ object: `serviceaccount ${i.autoscaler.namespace}/${i.autoscaler.name}`, cause: irsa.reason, message: irsa.message,
          fix: irsaFix(irsa.reason, { clusterName, oidcIssuer, roleArn, accountId: accountIdFromArn(roleArn) ?? '', serviceAccount: i.autoscaler }) });
      }
    } catch (err) {
      unknown.push(awsUnknown(`IRSA of ${i.autoscaler.namespace}/${i.autoscaler.name} (role ${roleArn})`, err));
    }
  }
  return { rows, unknown, details: { aws: details } };
}

function fargateRow(hits: Parameters<typeof describeProfiles>[0], namespace: string): ReportRow {
  const names = hits.map((h) => h.name).join(', ');
  return {
    object: `fargateprofile ${names}`,
    cause: 'SelectedByFargateProfile',
    message: `Fargate profile ${describeProfiles(hits)} selects metrics-server's pods in ${namespace}, so EKS runs them on Fargate, where ` +
      'metrics-server cannot reach its own node\'s kubelet (dial tcp <ip>:10250: connect: connection refused)',
    fix: `Fargate profiles are immutable: create a replacement for ${names} whose selectors do not match metrics-server's pods, wait until it is ` +
      `ACTIVE, then delete the original (aws eks create-fargate-profile / delete-fargate-profile); or add the pod-template annotation ` +
      `${COMPUTE_TYPE_LABEL}: ec2 to metrics-server (metricsstack-operator does either: spec.fargate.strategy RecreateProfile or Annotate)`,
  };
}
