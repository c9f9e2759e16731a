import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The operator image as `make image` exported it (hack/testenv/image/build-image.sh): its filesystem and its config. */
export interface ExportedImage {
  /** The reference it was built as, e.g. localhost/metricsstack-operator:dev; a pod must name exactly this. */
  readonly ref: string;
  readonly id: string;
  /** The image's filesystem, unpacked (podman export). */
  readonly rootfs: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** The image's ENV, in order. */
  readonly env: Readonly<Record<string, string>>;
  /** USER as written (`65532:65532`, `65532`, a name, or empty for root). */
  readonly user: string;
  readonly workingDir: string;
}

const root = resolve(import.meta.dirname, '../..');

/** Where `make image` exports to; METRICSSTACK_IMAGE_DIR overrides it (the Makefile sets it). */
export const imageDir = (): string => process.env.METRICSSTACK_IMAGE_DIR ?? join(root, '.cache', 'image');

interface Inspect {
  Id: string;
  Config: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; User?: string; WorkingDir?: string };
}

/** Reads the export; without one, says how to make it (the tests run offline and cannot build it themselves). */
export function exportedImage(dir = imageDir()): ExportedImage {
  const file = join(dir, 'image.json');
  if (!existsSync(file)) throw new Error(`no exported operator image in ${dir}: run \`make image\` first (it needs the npm registry)`);
  const [inspect] = JSON.parse(readFileSync(file, 'utf8')) as Inspect[];
  if (!inspect?.Config) throw new Error(`${file}: not the output of podman image inspect`);
  const c = inspect.Config;
  return {
    ref: readFileSync(join(dir, 'ref'), 'utf8').trim(), id: inspect.Id, rootfs: join(dir, 'rootfs'),
    entrypoint: c.Entrypoint ?? [], cmd: c.Cmd ?? [],
    env: Object.fromEntries((c.Env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
    user: c.User ?? '', workingDir: c.WorkingDir || '/',
  };
}

/** The chart values that make the chart's Deployment run this image, as a user sets them (repository and tag). */
export function imageValues(image: ExportedImage): string[] {
  const at = image.ref.lastIndexOf(':');
  return ['--set', `image.repository=${image.ref.slice(0, at)}`, '--set', `image.tag=${image.ref.slice(at + 1)}`];
}
