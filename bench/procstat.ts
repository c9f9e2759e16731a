import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** One process's memory and CPU time, from /proc (Linux). */
/** rssAnonMiB: the private part of RSS; the rest is file pages, mostly the node binary's, shared with other node processes. */
export interface ProcSample { at: number; rssMiB: number; rssAnonMiB: number; hwmMiB: number; cpuS: number }

let clockTicks: number | undefined;
const ticks = (): number => (clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);

export function sample(pid: number): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // The command name (field 2) may contain spaces; utime and stime are fields 14 and 15, counted after its ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(rest[11]) + Number(rest[12]);
  return { at: performance.now(), rssMiB: kb('VmRSS') / 1024, rssAnonMiB: kb('RssAnon') / 1024, hwmMiB: kb('VmHWM') / 1024, cpuS: cpuTicks / ticks() };
}

/** CPU used between two samples, as a percentage of one core. */
export const cpuPercent = (a: ProcSample, b: ProcSample): number => ((b.cpuS - a.cpuS) / ((b.at - a.at) / 1000)) * 100;

/** CPU seconds per thread name (/proc/<pid>/task/<tid>/comm: "node" is the JS thread, V8 workers, libuv's pool…). */
export function threadCpuS(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(rest[11]) + Number(rest[12])) / ticks();
    } catch {
      // The thread ended between the listing and the read: its time is gone with it.
    }
  }
  return out;
}

/** Per thread name, the CPU used between two threadCpuS readings `seconds` apart, as a percentage of one core. */
export const threadPercent = (a: Record<string, number>, b: Record<string, number>, seconds: number): Record<string, number> =>
  Object.fromEntries(Object.entries(b).map(([k, v]) => [k, ((v - (a[k] ?? 0)) / seconds) * 100] as const)
    .filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]));
