/** `kubectl metricsstack` command line: pure, so usage errors (exit 2) are unit-tested without a cluster. */

export const USAGE = `kubectl metricsstack doctor — why each HPA does or does not scale, read-only

Usage:
  kubectl metricsstack doctor [-o table|json] [--kubeconfig PATH] [--context NAME]

Checks, with your kubeconfig (operator installed or not): the aggregation layer's ConfigMap, the metrics APIServices
(metrics, custom, external) and who serves them, and every autoscaling/v2 HPA's root cause with its fix.

Exit status: 0 all well, 1 findings, 2 usage error (or the cluster could not be read).
`;

export interface DoctorArgs {
  readonly output: 'table' | 'json';
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

export type Parsed = { readonly args: DoctorArgs } | { readonly exit: 0 | 2; readonly text: string };

export function parseArgs(argv: readonly string[]): Parsed {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    return argv.length === 0 ? { exit: 2, text: USAGE } : { exit: 0, text: USAGE };
  }
  const [command, ...rest] = argv;
  if (command !== 'doctor') return { exit: 2, text: `unknown command "${command ?? ''}"\n\n${USAGE}` };
  let output: DoctorArgs['output'] = 'table';
  let kubeconfig: string | undefined;
  let context: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = (rest[i] ?? '').split(/=(.*)/s, 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? rest[++i];
    if (flag === '-o' || flag === '--output') {
      const v = value();
      if (v !== 'table' && v !== 'json') return { exit: 2, text: `-o must be table or json, not "${v ?? ''}"\n` };
      output = v;
    } else if (flag === '--kubeconfig') kubeconfig = value();
    else if (flag === '--context') context = value();
    else return { exit: 2, text: `unknown flag "${flag}"\n\n${USAGE}` };
  }
  return { args: { output, kubeconfig, context } };
}
