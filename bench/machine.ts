import { readFileSync } from 'node:fs';
import { cpus, totalmem, loadavg, release } from 'node:os';

/** The machine a figure was taken on: every figure in the report is stated beside this. */
export interface Machine {
  nproc: number; memoryGiB: number; cpuModel: string; kernel: string; node: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews every figure. */
  loadStart: number; loadEnd?: number;
}

export function machine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpuModel = m[1].trim();
  } catch { /* not Linux */ }
  return {
    nproc: cpus().length, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, cpuModel, kernel: release(),
    node: process.version, loadStart: loadavg()[0] ?? 0,
  };
}

export const machineLine = (m: Machine): string =>
  `${m.nproc} CPU (${m.cpuModel}), ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}; ` +
  `load average ${m.loadStart.toFixed(2)} at start${m.loadEnd === undefined ? '' : `, ${m.loadEnd.toFixed(2)} at end`}`;
