import type { V1Container, V1Pod, V1PodSecurityContext } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ExportedImage } from '../../support/image.js';
import { imageProcess, imageRootScript } from '../../support/pod-image.js';

const image: ExportedImage = {
  ref: 'localhost/op:dev', id: 'x', rootfs: '/img/rootfs', entrypoint: ['/nodejs/bin/node', '/app/main.js'], cmd: ['--serve'],
  env: { PATH: '/usr/bin', NODE_ENV: 'production' }, user: '65532:65532', workingDir: '/app',
};
const passwd = 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n';
const pod = (sc: V1PodSecurityContext = {}): V1Pod => ({ metadata: { name: 'op-1', namespace: 'ops' }, spec: { containers: [], securityContext: sc } });
const run = (c: Partial<V1Container>, p = pod(), img = image) =>
  imageProcess(img, p, { name: 'operator', ...c }, { passwd, runtimeEnv: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, containerEnv: { POD_NAME: 'op-1' } });

describe('imageProcess: the kubelet and runc rules for an image container', () => {
  it('runs ENTRYPOINT + CMD as the image user, in its WORKDIR, with the image env under the container env', () => {
    expect(run({})).toEqual({
      argv: ['/nodejs/bin/node', '/app/main.js', '--serve'], uid: 65532, gid: 65532, workingDir: '/app',
      env: { PATH: '/usr/bin', NODE_ENV: 'production', HOSTNAME: 'op-1', KUBERNETES_SERVICE_HOST: '10.0.0.1', POD_NAME: 'op-1', HOME: '/home/nonroot' },
      readOnlyRootFilesystem: false, noNewPrivs: false,
    });
  });
  it.each([
    ['args replace CMD only', { args: ['--x=$(POD_NAME)'] }, ['/nodejs/bin/node', '/app/main.js', '--x=op-1']],
    ['command replaces ENTRYPOINT and drops CMD', { command: ['/bin/other'] }, ['/bin/other']],
    ['command and args together', { command: ['/bin/other'], args: ['a'] }, ['/bin/other', 'a']],
  ])('%s', (_n, c, argv) => expect(run(c).argv).toEqual(argv));
  it('takes runAsUser/runAsGroup from the container over the pod over the image', () => {
    expect(run({ securityContext: { runAsUser: 1000 } }, pod({ runAsUser: 2000, runAsGroup: 3000 })))
      .toMatchObject({ uid: 1000, gid: 3000, env: { HOME: '/' } });
  });
  it('honours readOnlyRootFilesystem and allowPrivilegeEscalation: false', () => {
    expect(run({ securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false } }))
      .toMatchObject({ readOnlyRootFilesystem: true, noNewPrivs: true });
  });
  it('refuses what the kubelet refuses under runAsNonRoot', () => {
    expect(() => run({}, pod({ runAsNonRoot: true }), { ...image, user: '' })).toThrow(/runAsNonRoot and image will run as root/);
    expect(() => run({}, pod({ runAsNonRoot: true }), { ...image, user: 'nonroot' })).toThrow(/non-numeric user \(nonroot\)/);
    expect(run({}, pod(), { ...image, user: 'nonroot' })).toMatchObject({ uid: 65532, gid: 65532 });
  });
});

describe('imageRootScript', () => {
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
  const c: V1Container = { name: 'operator', volumeMounts: [{ name: 'kube-api-access', mountPath: sa, readOnly: true }] };
  it('overlays the image, mounts the volumes, then makes the root read-only and starts the process as its user', () => {
    const script = imageRootScript(image.rootfs, c, { ...run({}), readOnlyRootFilesystem: true, noNewPrivs: true }).split('\n');
    expect(script).toContain("mount -t overlay overlay -o 'lowerdir=/img/rootfs,upperdir=layer/upper,workdir=layer/work' root");
    expect(script).toContain("mount --bind 'volumes/kube-api-access/' 'root/var/run/secrets/kubernetes.io/serviceaccount'");
    const ro = script.indexOf('mount -o remount,bind,ro root');
    expect(ro).toBeGreaterThan(script.indexOf("mount -o remount,bind,ro 'root/var/run/secrets/kubernetes.io/serviceaccount'"));
    expect(script.at(-1)).toBe("exec setpriv --no-new-privs nsenter --root=root --wd='root/app' --setuid=65532 --setgid=65532 -- \"$@\"");
  });
});
