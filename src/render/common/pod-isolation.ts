import type { V1PodSpec } from '@kubernetes/client-node';

/**
 * The host namespaces stay closed, written out although `false` is the default: rendering them makes our field
 * manager own them, so a forced apply reverts a `hostNetwork: true` that another manager sets, instead of leaving
 * it because we never said otherwise. (The apiserver omits a `false` here; the drift check knows.)
 */
export const hostIsolation = (): Pick<V1PodSpec, 'hostNetwork' | 'hostPID' | 'hostIPC'> => ({ hostNetwork: false, hostPID: false, hostIPC: false });
