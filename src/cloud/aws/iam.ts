/** {@link IAMPort} over the SDK v3 IAM client. Read-only: the operator checks IRSA, it never edits IAM. */
import { GetOpenIDConnectProviderCommand, GetRoleCommand, type IAMClient, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { AwsError, AwsNotFoundError, awsCall } from './errors.js';
import type { IAMPort, IamRole, OidcProvider } from './ports.js';

/** IAM port over an SDK client built by createAwsClients. */
export class IamAdapter implements IAMPort {
  constructor(private readonly client: IAMClient) {}

  async getRole(name: string): Promise<IamRole> {
    const { Role: role } = await awsCall('iam:GetRole', () => this.client.send(new GetRoleCommand({ RoleName: name })));
    if (!role?.Arn || !role.RoleName) throw new AwsNotFoundError(`IAM returned no role ${name}`, { action: 'iam:GetRole' });
    return { name: role.RoleName, arn: role.Arn, trustPolicy: parsePolicyDocument(role.AssumeRolePolicyDocument ?? '', role.Arn) };
  }

  async listOpenIDConnectProviders(): Promise<string[]> {
    // Not paginated: an account holds at most 100 OIDC providers.
    const out = await awsCall('iam:ListOpenIDConnectProviders', () => this.client.send(new ListOpenIDConnectProvidersCommand({})));
    return (out.OpenIDConnectProviderList ?? []).flatMap((p) => (p.Arn ? [p.Arn] : []));
  }

  async getOpenIDConnectProvider(arn: string): Promise<OidcProvider> {
    const out = await awsCall('iam:GetOpenIDConnectProvider', () =>
      this.client.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
    );
    return { arn, url: out.Url ?? '', clientIds: [...(out.ClientIDList ?? [])] };
  }
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986), in real AWS and in moto alike. A document that already starts
 * with `{` was not encoded (some emulators), and decoding it could corrupt a literal `%` inside.
 */
export function parsePolicyDocument(raw: string, roleArn: string): unknown {
  const text = raw.trimStart().startsWith('{') ? raw : safeDecode(raw);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AwsError(
      { kind: 'Invalid', retryable: false, action: 'iam:GetRole', message: `trust policy of ${roleArn} is not valid JSON: ${(err as Error).message}` },
      { cause: err },
    );
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
