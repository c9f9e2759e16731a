/** Reads every Fargate profile of a cluster through the (cached) EKS port: one list, then one describe per profile. */
import type { EKSPort, FargateProfile } from '../../cloud/aws/ports.js';
import { ignoreAwsNotFound } from '../../cloud/aws/errors.js';
import { byOrdinal } from '../../ordinal.js';

/** All profiles, in name order; a profile deleted between the list and its describe is simply absent. */
export async function readFargateProfiles(eks: EKSPort, clusterName: string): Promise<FargateProfile[]> {
  const names = await eks.listFargateProfiles(clusterName);
  const profiles = await Promise.all(names.map((n) => ignoreAwsNotFound(eks.describeFargateProfile(clusterName, n))));
  return profiles.filter((p): p is FargateProfile => p !== undefined).sort((a, b) => byOrdinal(a.name, b.name));
}
