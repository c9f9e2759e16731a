/**
 * Whether the doctor talks to AWS at all, and in which region: only when asked (--aws), or when the environment holds
 * AWS credentials and the cluster is EKS (or --cluster names one), so a run on another cloud never reaches AWS.
 */
import type { NodeFacts } from '../reconcilers/platform/node-facts.js';
import type { DoctorArgs } from './args.js';

/** The SDK's default chain reads these; any one of them means the user has set AWS up in this shell. */
const CREDENTIAL_HINTS = ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

/** Skip AWS; check it in `region`; or it was asked for but the region is unknown (a "not checked" line). */
export type AwsTarget = { readonly check: false } | { readonly check: true; readonly region: string } | { readonly check: true; readonly unknown: string };

export function awsTarget(args: Pick<DoctorArgs, 'aws' | 'cluster' | 'region'>, env: Readonly<Record<string, string | undefined>>,
  facts: Pick<NodeFacts, 'kind' | 'region'>): AwsTarget {
  const region = args.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? facts.region;
  const credentials = CREDENTIAL_HINTS.some((k) => env[k]);
  const wanted = args.aws || (credentials && (facts.kind === 'EKS' || args.cluster !== undefined));
  if (!wanted) return { check: false };
  if (!region) {
    return { check: true, unknown: 'the AWS side: the region is unknown (no --region, $AWS_REGION or aws:///<zone>/ providerID); pass --region' };
  }
  return { check: true, region };
}
