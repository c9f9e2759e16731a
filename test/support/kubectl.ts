import { spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { get as httpsGet, type RequestOptions } from 'node:https';

export interface KubectlResult { stdout: string; stderr: string; code: number }
export type Kubectl = (args: string[], opts?: { input?: string; timeoutMs?: number }) => Promise<KubectlResult>;

/** GET over HTTP(S) on loopback; resolves with the status code (0 when the port is not listening yet). */
export function probe(url: string, tls: RequestOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = (url.startsWith('https') ? httpsGet : httpGet)(url, { ...tls, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0)).on('timeout', () => req.destroy());
  });
}

/** Runs kubectl; never throws on a non-zero exit (the result carries the code). */
export function runKubectl(kubectl: string, args: string[], o: { input?: string; timeoutMs?: number }): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: o.timeoutMs ?? 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.on('error', reject).on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
    // kubectl may exit before reading its input (the apiserver is down, a bad flag): that write fails with EPIPE.
    // The exit code and stderr already say what happened, so the failed write is not an error of its own.
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
  });
}

/** kubectl that throws with stderr on a non-zero exit. */
export async function mustKubectl(kubectl: Kubectl, args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}
