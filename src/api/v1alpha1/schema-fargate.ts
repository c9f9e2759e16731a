/** Schema of `spec.fargate`: keeping metrics-server off AWS Fargate, where it cannot reach its own node's kubelet. */
import { Type } from '@sinclair/typebox';
import { NamespaceName, StringEnum, StringMap, WithDefault } from './schema-helpers.js';

/** Whether the operator keeps metrics pods off Fargate. */
export const FARGATE_PLACEMENTS = ['AvoidFargate', 'Ignore'] as const;
/** How the operator keeps metrics pods off Fargate. */
export const FARGATE_STRATEGIES = ['Annotate', 'Namespace', 'RecreateProfile'] as const;

// EKS names profiles like clusters: a letter or digit, then letters, digits, - and _, at most 100 characters.
const EKS_NAME_PATTERN = '^[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}$';

export const FargateSelectorSchema = Type.Object(
  {
    namespace: Type.String({
      minLength: 1,
      maxLength: 63,
      pattern: '^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$',
      description: 'Namespace the selector matches; * and ? are wildcards, as in EKS.',
    }),
    labels: Type.Optional(
      StringMap(Type.String({ maxLength: 63, description: 'Label value; * and ? are wildcards.' }), {
        maxProperties: 5,
        description: 'Labels a pod must all carry to match (at most 5, as EKS allows).',
      }),
    ),
  },
  { description: 'One Fargate profile selector.' },
);

export const FargateProfileReplacementSchema = Type.Object(
  {
    name: Type.String({ pattern: EKS_NAME_PATTERN, maxLength: 100, description: 'Name of the existing Fargate profile to replace.' }),
    replacementName: Type.Optional(
      Type.String({
        pattern: EKS_NAME_PATTERN,
        maxLength: 100,
        description: 'Name of the profile that replaces it (profiles are immutable); chosen by the operator when absent.',
      }),
    ),
    selectors: Type.Array(FargateSelectorSchema, {
      minItems: 1,
      maxItems: 5,
      description: "The replacement profile's selectors, written so they no longer match the metrics pods.",
    }),
  },
  {
    description: 'A Fargate profile to recreate with new selectors.',
    'x-kubernetes-validations': [
      {
        rule: '!has(self.replacementName) || self.replacementName != self.name',
        message: 'replacementName must differ from name: Fargate profiles are immutable, so the replacement is a new profile',
      },
    ],
  },
);

export const FargateSchema = Type.Object(
  {
    placement: WithDefault(
      StringEnum(FARGATE_PLACEMENTS, {
        description:
          'AvoidFargate: keep metrics-server and prometheus-adapter on EC2 nodes, because on Fargate they cannot reach ' +
          "their own node's kubelet (dial tcp <ip>:10250: connect: connection refused). Ignore: do nothing about Fargate.",
      }),
      'AvoidFargate',
    ),
    strategy: WithDefault(
      StringEnum(FARGATE_STRATEGIES, {
        description:
          'Annotate: add eks.amazonaws.com/compute-type: ec2 to the pods (best effort; placement is verified). ' +
          'Namespace: run the metrics pods in fargate.namespace, which no Fargate profile selects. ' +
          'RecreateProfile: replace the profiles in fargate.recreateProfile with ones that do not select the metrics pods.',
      }),
      'Annotate',
    ),
    namespace: Type.Optional(
      NamespaceName({ description: 'Namespace for the metrics pods when strategy is Namespace; must not match any Fargate profile.' }),
    ),
    recreateProfile: Type.Optional(
      Type.Object(
        {
          dryRun: WithDefault(
            Type.Boolean({
              description:
                'Only plan the change into status.fargate.plan. Deleting a profile deletes its pods, so set false deliberately.',
            }),
            true,
          ),
          profiles: Type.Array(FargateProfileReplacementSchema, {
            minItems: 1,
            maxItems: 10,
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            description: 'Profiles to recreate, one at a time (EKS allows only one profile DELETING at once).',
          }),
        },
        { description: 'Fargate profiles to recreate when strategy is RecreateProfile.' },
      ),
    ),
  },
  // The apiserver checks these rules against the bare default `{}` too, before nested defaults: hence has().
  {
    description: 'Fargate placement of the metrics pods (EKS only; ignored on clusters without Fargate nodes).',
    'x-kubernetes-validations': [
      {
        rule: "!has(self.strategy) || self.strategy != 'Namespace' || has(self.namespace)",
        message: 'fargate.namespace is required when fargate.strategy is Namespace: name a namespace no Fargate profile selects',
      },
      {
        rule:
          "!has(self.strategy) || self.strategy != 'RecreateProfile' || " +
          '(has(self.recreateProfile) && size(self.recreateProfile.profiles) > 0)',
        message: 'fargate.recreateProfile.profiles needs at least one profile when fargate.strategy is RecreateProfile',
      },
    ],
  },
);
