import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { ExportedImage } from './image.js';
import { expandArgs } from './pod-env.js';
import { depth, q } from './pod-mounts.js';

/** What a container runtime starts for a container of an image: the process, as whom, where, and how confined. */
export interface ImageProcess {
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly uid: number;
  readonly gid: number;
  readonly workingDir: string;
  readonly readOnlyRootFilesystem: boolean;
  /** allowPrivilegeEscalation: false, which runc applies as no_new_privs. */
  readonly noNewPrivs: boolean;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
const parsePasswd = (text: string): PasswdEntry[] => text.split('\n').filter(Boolean).map((l) => {
  const [name = '', , uid = '', gid = '', , home = '/'] = l.split(':');
  return { name, uid: Number(uid), gid: Number(gid), home };
});
const numeric = (s: string) => /^\d+$/.test(s);

/**
 * Pure: the kubelet's and runc's rules. command replaces the image's ENTRYPOINT and args its CMD (a command alone
 * drops CMD), and only the container's own command and args get $(VAR) expansion; the container's env is laid over
 * the image's; runAsUser/runAsGroup (container over pod) win over the image's USER; runAsNonRoot refuses uid 0, and
 * a non-numeric image user it cannot verify, as the kubelet does; HOME comes from the image's /etc/passwd.
 */
export function imageProcess(image: ExportedImage, pod: V1Pod, c: V1Container, o: {
  passwd: string; runtimeEnv: Record<string, string>; containerEnv: Record<string, string>;
}): ImageProcess {
  const sc = { ...pod.spec?.securityContext, ...c.securityContext };
  const [user = '', group] = image.user.split(':');
  const users = parsePasswd(o.passwd);
  const where = `pod ${pod.metadata?.namespace}/${pod.metadata?.name}, container ${c.name}`;
  if (sc.runAsUser === undefined && user && !numeric(user) && sc.runAsNonRoot) {
    throw new Error(`container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root (${where})`);
  }
  const named = users.find((u) => u.name === user);
  if (sc.runAsUser === undefined && user && !numeric(user) && !named) throw new Error(`image user ${user} is not in its /etc/passwd (${where})`);
  const uid = sc.runAsUser ?? (user === '' ? 0 : numeric(user) ? Number(user) : named!.uid);
  if (sc.runAsNonRoot && uid === 0) throw new Error(`container has runAsNonRoot and image will run as root (${where})`);
  const entry = users.find((u) => u.uid === uid);
  const gid = sc.runAsGroup ?? (group !== undefined && numeric(group) ? Number(group) : entry?.gid ?? 0);
  const env: Record<string, string> = { ...image.env, HOSTNAME: pod.metadata!.name!, ...o.runtimeEnv, ...o.containerEnv };
  env.HOME ??= entry?.home ?? '/';
  const argv = [
    ...(c.command ? expandArgs(c.command, o.containerEnv) : image.entrypoint),
    ...(c.args ? expandArgs(c.args, o.containerEnv) : c.command ? [] : image.cmd),
  ];
  if (argv.length === 0) throw new Error(`no command: the image has no ENTRYPOINT or CMD and the container sets none (${where})`);
  return {
    argv, env, uid, gid, workingDir: c.workingDir ?? image.workingDir,
    readOnlyRootFilesystem: c.securityContext?.readOnlyRootFilesystem === true,
    noNewPrivs: c.securityContext?.allowPrivilegeEscalation === false,
  };
}

const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

/**
 * The shell (run in the pod's private mount namespace, working directory = the pod folder) that builds the
 * container's root as runc does, then execs "$@" inside it: an overlay of the image's filesystem with a writable
 * layer on a private tmpfs; /proc, a minimal /dev, read-only /sys; the kubelet's /etc/hosts, /etc/resolv.conf and
 * /etc/hostname; each volume at its mountPath (mountpoints made in the writable layer, or inside an enclosing
 * volume); then the root made read-only if readOnlyRootFilesystem (volumes stay as mounted), and the process
 * started as the container's uid/gid in its working directory, with no_new_privs when privilege escalation is off.
 */
export function imageRootScript(rootfs: string, c: V1Container, p: ImageProcess): string {
  const r = (path: string) => q(`root${path}`);
  const lines = ['set -e', 'mkdir -p layer root', 'mount -t tmpfs -o size=64m tmpfs layer', 'mkdir -p layer/upper layer/work',
    `mount -t overlay overlay -o ${q(`lowerdir=${rootfs},upperdir=layer/upper,workdir=layer/work`)} root`,
    'mkdir -p root/proc root/dev root/sys root/etc', 'mount -t proc proc root/proc',
    'mount -t tmpfs -o nosuid,mode=0755,size=64k tmpfs root/dev',
    ...DEVICES.map((d) => `touch root/dev/${d} && mount --bind /dev/${d} root/dev/${d}`),
    'ln -s /proc/self/fd root/dev/fd', 'mkdir root/dev/shm', 'mount -t tmpfs -o nosuid,nodev,noexec,size=64m shm root/dev/shm',
    'mount -t sysfs -o ro,nosuid,nodev,noexec sysfs root/sys'];
  for (const f of ['hosts', 'resolv.conf', 'hostname']) lines.push(`touch root/etc/${f}`, `mount --bind etc/${f} root/etc/${f}`);
  for (const m of [...(c.volumeMounts ?? [])].sort((a, b) => depth(a.mountPath) - depth(b.mountPath))) {
    const src = q(`volumes/${m.name}/${m.subPath ?? ''}`);
    lines.push(`if [ -d ${src} ]; then mkdir -p ${r(m.mountPath)}; else mkdir -p "$(dirname ${r(m.mountPath)})"; touch ${r(m.mountPath)}; fi`,
      `mount --bind ${src} ${r(m.mountPath)}`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${r(m.mountPath)}`);
  }
  if (p.readOnlyRootFilesystem) lines.push('mount -o remount,bind,ro root');
  // nsenter opens --wd before it changes root: the working directory is named by its path under the pod folder.
  lines.push(`exec ${p.noNewPrivs ? 'setpriv --no-new-privs ' : ''}nsenter --root=root --wd=${r(p.workingDir)} ` +
    `--setuid=${p.uid} --setgid=${p.gid} -- "$@"`);
  return lines.join('\n');
}
