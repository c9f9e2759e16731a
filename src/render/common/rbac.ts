/** The API group and version of every Role, ClusterRole and binding the operator renders. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const RBAC_API = `${RBAC_GROUP}/v1`;
