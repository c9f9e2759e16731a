import { existsSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';

/** Single-quotes a word for sh. */
export const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
/** Path depth, to mount outer volumes before the ones inside them. */
export const depth = (p: string) => p.split('/').filter(Boolean).length;
const under = (p: string, dir: string) => p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/**
 * The shell that sets up the container's filesystem view, then execs "$@" (the binary and its args, unquoted by
 * nobody). It runs in a mount namespace of its own, so nothing here is visible on the host.
 * - Sources are relative to the pod folder, the shell's working directory: mounting a volume over /tmp hides the
 *   pod folder's absolute path (it lives under $TMPDIR), but a working directory keeps pointing at the old tree.
 * - A mountPath that does not exist on the host (/etc/metrics-server/serving, /var/run/secrets/...) needs a
 *   mountpoint without touching the host: its deepest existing ancestor (/etc, /run) gets an overlay whose upper
 *   layer is a tmpfs private to this namespace, and mkdir happens in that layer. A mountPath under another volume's
 *   mountPath is created in that volume's folder instead (as runc does inside volumes).
 */
export function mountScript(podDir: string, c: V1Container, pod: V1Pod): string {
  const mounts = [...(c.volumeMounts ?? [])].sort((a, b) => depth(a.mountPath) - depth(b.mountPath));
  const overlays = new Set<string>();
  const lines = ['set -e', `cd ${q(podDir)}`];
  const binds: string[] = [];
  for (const m of mounts) {
    const src = join('volumes', m.name, m.subPath ?? '');
    if (!pod.spec?.volumes?.some((v) => v.name === m.name)) throw new Error(`volumeMount ${m.name}: no such volume`);
    const isFile = existsSync(join(podDir, src)) && statSync(join(podDir, src)).isFile();
    const parent = mounts.find((p) => p !== m && under(m.mountPath, p.mountPath));
    if (parent) {
      const inVolume = join(podDir, 'volumes', parent.name, parent.subPath ?? '', relative(parent.mountPath, m.mountPath));
      mkdirSync(isFile ? dirname(inVolume) : inVolume, { recursive: true });
      if (isFile && !existsSync(inVolume)) writeFileSync(inVolume, '');
    } else if (!existsSync(m.mountPath)) {
      let a = dirname(m.mountPath);
      while (!existsSync(a)) a = dirname(a);
      a = realpathSync(a);
      if (a === '/' || under(podDir, a)) throw new Error(`mountPath ${m.mountPath}: cannot create a mountpoint under ${a}`);
      overlays.add(a);
      binds.push(isFile ? `mkdir -p ${q(dirname(m.mountPath))} && touch ${q(m.mountPath)}` : `mkdir -p ${q(m.mountPath)}`);
    }
    binds.push(`mount -c --bind ${q(src)} ${q(m.mountPath)}`);
    if (m.readOnly) binds.push(`mount -c -o remount,bind,ro ${q(m.mountPath)}`);
  }
  if (overlays.size) lines.push('mkdir -p overlay', 'mount -t tmpfs -o size=16m tmpfs overlay');
  [...overlays].sort((a, b) => depth(a) - depth(b)).forEach((a, i) => {
    const layer = join(podDir, 'overlay', String(i));
    lines.push(`mkdir -p ${q(`${layer}/upper`)} ${q(`${layer}/work`)}`,
      `mount -t overlay overlay -o ${q(`lowerdir=${a},upperdir=${layer}/upper,workdir=${layer}/work`)} ${q(a)}`);
  });
  lines.push(...binds);
  for (const f of ['hosts', 'resolv.conf']) if (existsSync(`/etc/${f}`)) lines.push(`mount -c --bind etc/${f} /etc/${f}`);
  lines.push(`cd ${q(c.workingDir ?? '/')}`, 'exec "$@"');
  return lines.join('\n');
}
