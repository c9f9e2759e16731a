import type { CoreV1Api, V1Container, V1Pod } from '@kubernetes/client-node';
import { fieldValue } from './pod-volumes.js';

/**
 * The container's own environment, resolved as a kubelet does: `value`, and `valueFrom` fieldRef (downward API),
 * secretKeyRef and configMapKeyRef; later entries may refer to earlier ones with $(NAME). envFrom is not supported.
 */
export async function containerEnv(core: CoreV1Api, pod: V1Pod, c: V1Container): Promise<Record<string, string>> {
  if (c.envFrom?.length) throw new Error(`container ${c.name}: envFrom is not supported by the pod runner`);
  const namespace = pod.metadata!.namespace!;
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    let value: string | undefined;
    if (!from) value = expand(e.value ?? '', env);
    else if (from.fieldRef) value = fieldValue(pod, from.fieldRef.fieldPath);
    else if (from.secretKeyRef) {
      const s = await core.readNamespacedSecret({ namespace, name: from.secretKeyRef.name! }).catch(() => undefined);
      const v = s?.data?.[from.secretKeyRef.key];
      value = v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
      if (value === undefined && !from.secretKeyRef.optional) throw new Error(`env ${e.name}: secret key not found`);
    } else if (from.configMapKeyRef) {
      const cm = await core.readNamespacedConfigMap({ namespace, name: from.configMapKeyRef.name! }).catch(() => undefined);
      value = cm?.data?.[from.configMapKeyRef.key];
      if (value === undefined && !from.configMapKeyRef.optional) throw new Error(`env ${e.name}: ConfigMap key not found`);
    } else throw new Error(`env ${e.name}: unsupported valueFrom ${Object.keys(from).join(',')}`);
    if (value !== undefined) env[e.name] = value;
  }
  return env;
}

/**
 * Kubernetes' $(VAR) expansion of command and args, which the kubelet does before starting the container: a defined
 * variable is replaced, an undefined reference stays as written, and $$ escapes a dollar sign.
 */
export const expandArgs = (args: string[], env: Record<string, string>) => args.map((a) => expand(a, env));

function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
    name === undefined ? '$' : env[name] ?? m);
}
