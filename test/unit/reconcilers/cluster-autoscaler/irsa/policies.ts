/** Trust policies as EKS, eksctl and people write them, for the IRSA trust-policy tests. */
export const ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/5C3B6E5A1F2D4C8B9A7E6D5C4B3A2F1E';
export const HOST = 'oidc.eks.us-east-1.amazonaws.com/id/5C3B6E5A1F2D4C8B9A7E6D5C4B3A2F1E';
export const ACCOUNT = '123456789012';
export const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${HOST}`;
export const SUB = 'system:serviceaccount:kube-system:cluster-autoscaler';
export const TARGET = { oidcIssuer: ISSUER, accountId: ACCOUNT, namespace: 'kube-system', serviceAccount: 'cluster-autoscaler' };

export type Stmt = Record<string, unknown>;
type ConditionBlock = Record<string, Record<string, unknown>>;

/** The statement eksctl writes (StringEquals on sub and aud), with `over` merged in and `condition` replacing its Condition. */
export const stmt = (over: Stmt = {}, condition: ConditionBlock = { StringEquals: { [`${HOST}:sub`]: SUB, [`${HOST}:aud`]: 'sts.amazonaws.com' } }): Stmt => ({
  Effect: 'Allow',
  Principal: { Federated: PROVIDER },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: condition,
  ...over,
});
export const doc = (...statements: Stmt[]) => ({ Version: '2012-10-17', Statement: statements });
