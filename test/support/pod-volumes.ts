import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CoreV1Api, V1KeyToPath, V1ObjectFieldSelector, V1Pod, V1Volume } from '@kubernetes/client-node';

/**
 * Writes a pod's volumes as files under `root/<volume name>/`, the way a kubelet would before starting containers:
 * Secret and ConfigMap volumes (all keys, or only `items`), emptyDir, downwardAPI, and projected volumes — which is
 * how the ServiceAccount admission plugin injects `kube-api-access-*` (a TokenRequest token bound to the pod, the
 * `kube-root-ca.crt` ConfigMap that kube-controller-manager publishes from the cluster CA, and the namespace).
 * Plain files, no `..data` symlink swaps: nothing here is updated while the pod runs (tokens last an hour or more).
 */
export async function materializeVolumes(core: CoreV1Api, pod: V1Pod, root: string): Promise<void> {
  for (const v of pod.spec?.volumes ?? []) {
    const dir = join(root, v.name);
    await mkdir(dir, { recursive: true });
    for (const [path, content, mode] of await volumeFiles(core, pod, v)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content, { mode });
    }
  }
}

type File = [path: string, content: Buffer | string, mode: number];
const DEFAULT_MODE = 0o644; // the API's defaultMode (420)

async function volumeFiles(core: CoreV1Api, pod: V1Pod, v: V1Volume): Promise<File[]> {
  const ns = pod.metadata!.namespace!;
  if (v.emptyDir) return [];
  if (v.secret) return secretFiles(core, ns, v.secret.secretName!, v.secret, v.secret.defaultMode);
  if (v.configMap) return configMapFiles(core, ns, v.configMap.name!, v.configMap, v.configMap.defaultMode);
  if (v.downwardAPI) {
    return (v.downwardAPI.items ?? []).map((i) => [i.path, fieldValue(pod, mustField(i.fieldRef)), i.mode ?? v.downwardAPI!.defaultMode ?? DEFAULT_MODE]);
  }
  if (v.projected) {
    const mode = v.projected.defaultMode ?? DEFAULT_MODE;
    const files: File[] = [];
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) files.push([s.serviceAccountToken.path, await podToken(core, pod, s.serviceAccountToken), mode]);
      else if (s.configMap) files.push(...await configMapFiles(core, ns, s.configMap.name!, s.configMap, mode));
      else if (s.secret) files.push(...await secretFiles(core, ns, s.secret.name!, s.secret, mode));
      else if (s.downwardAPI) {
        for (const i of s.downwardAPI.items ?? []) files.push([i.path, fieldValue(pod, mustField(i.fieldRef)), i.mode ?? mode]);
      } else throw new Error(`volume ${v.name}: unsupported projected source ${Object.keys(s).join(',')}`);
    }
    return files;
  }
  throw new Error(`volume ${v.name}: unsupported volume type ${Object.keys(v).filter((k) => k !== 'name').join(',')}`);
}

/** What the kubelet asks for: a token for the pod's ServiceAccount, bound to the pod, with the source's audience and lifetime. */
async function podToken(core: CoreV1Api, pod: V1Pod, s: { audience?: string; expirationSeconds?: number }): Promise<string> {
  const { name, namespace, uid } = pod.metadata!;
  const tr = await core.createNamespacedServiceAccountToken({
    name: pod.spec?.serviceAccountName ?? 'default', namespace: namespace!,
    body: { spec: { audiences: s.audience ? [s.audience] : [], expirationSeconds: s.expirationSeconds ?? 3607,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: name!, uid: uid! } } },
  });
  if (!tr.status?.token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  return tr.status.token;
}

interface KeySource { items?: V1KeyToPath[]; optional?: boolean }

/** Keys → files; `items` selects keys and renames them. A missing optional source gives no files, as in a kubelet. */
function keyFiles(data: Record<string, Buffer>, src: KeySource, what: string, defaultMode?: number): File[] {
  const mode = defaultMode ?? DEFAULT_MODE;
  if (!src.items) return Object.entries(data).map(([k, c]) => [k, c, mode]);
  return src.items.map((i) => {
    const c = data[i.key];
    if (c === undefined) throw new Error(`${what} has no key ${i.key}`);
    return [i.path, c, i.mode ?? mode];
  });
}

async function secretFiles(core: CoreV1Api, namespace: string, name: string, src: KeySource, mode?: number): Promise<File[]> {
  const s = await core.readNamespacedSecret({ name, namespace }).catch((err: unknown) => { if (src.optional) return undefined; throw err; });
  const data = Object.fromEntries(Object.entries(s?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  return s ? keyFiles(data, src, `Secret ${namespace}/${name}`, mode) : [];
}

async function configMapFiles(core: CoreV1Api, namespace: string, name: string, src: KeySource, mode?: number): Promise<File[]> {
  const cm = await core.readNamespacedConfigMap({ name, namespace }).catch((err: unknown) => { if (src.optional) return undefined; throw err; });
  const data = {
    ...Object.fromEntries(Object.entries(cm?.data ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
    ...Object.fromEntries(Object.entries(cm?.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  };
  return cm ? keyFiles(data, src, `ConfigMap ${namespace}/${name}`, mode) : [];
}

function mustField(ref: V1ObjectFieldSelector | undefined): string {
  if (!ref) throw new Error('downwardAPI: only fieldRef items are supported');
  return ref.fieldPath;
}

/** A downward-API field (volumes and env): the metadata and status fields a kubelet resolves. */
export function fieldValue(pod: V1Pod, path: string): string {
  const m = pod.metadata!;
  const lines = (o: Record<string, string> = {}) => Object.entries(o).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n');
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return (label[1] === 'labels' ? m.labels : m.annotations)?.[label[2]!] ?? '';
  const fields: Record<string, string | undefined> = {
    'metadata.name': m.name, 'metadata.namespace': m.namespace, 'metadata.uid': m.uid,
    'metadata.labels': lines(m.labels), 'metadata.annotations': lines(m.annotations),
    'spec.nodeName': pod.spec?.nodeName, 'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': pod.status?.podIP, 'status.hostIP': pod.status?.hostIP,
  };
  if (!(path in fields)) throw new Error(`downward API field ${path} is not supported`);
  return fields[path] ?? '';
}
