/** {@link AutoScalingPort} over the SDK v3 Auto Scaling client. */
import { type AutoScalingClient, CreateOrUpdateTagsCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { awsCall } from './errors.js';
import type { AutoScalingGroup, AutoScalingPort } from './ports.js';

// DescribeAutoScalingGroups takes at most this many names per request (and MaxRecords caps at 100).
const NAMES_PER_REQUEST = 50;

/** Auto Scaling port over an SDK client built by createAwsClients. */
export class AutoScalingAdapter implements AutoScalingPort {
  constructor(private readonly client: AutoScalingClient) {}

  async describeAutoScalingGroups(names: readonly string[]): Promise<AutoScalingGroup[]> {
    // An empty name list means "every group in the region" to the API: never what a caller meant.
    if (names.length === 0) return [];
    return awsCall('autoscaling:DescribeAutoScalingGroups', async () => {
      const groups: AutoScalingGroup[] = [];
      for (let i = 0; i < names.length; i += NAMES_PER_REQUEST) {
        let token: string | undefined;
        do {
          const out = await this.client.send(
            new DescribeAutoScalingGroupsCommand({
              AutoScalingGroupNames: names.slice(i, i + NAMES_PER_REQUEST),
              MaxRecords: 100,
              NextToken: token,
            }),
          );
          for (const g of out.AutoScalingGroups ?? []) {
            if (!g.AutoScalingGroupName) continue;
            groups.push({
              name: g.AutoScalingGroupName,
              minSize: g.MinSize ?? 0,
              maxSize: g.MaxSize ?? 0,
              desiredCapacity: g.DesiredCapacity ?? 0,
              tags: Object.fromEntries((g.Tags ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? '']] : []))),
            });
          }
          token = out.NextToken;
        } while (token);
      }
      return groups;
    });
  }

  async createOrUpdateTags(asgName: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(tags);
    if (entries.length === 0) return;
    await awsCall('autoscaling:CreateOrUpdateTags', () =>
      this.client.send(
        new CreateOrUpdateTagsCommand({
          // Discovery tags describe the group; instances launched from it do not need them.
          Tags: entries.map(([Key, Value]) => ({ ResourceId: asgName, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: false })),
        }),
      ),
    );
  }
}
