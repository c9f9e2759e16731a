import type { PeerCase, PeerRepetition } from './peer.js';
import { across, fmt } from './stats.js';

/**
 * Section 5 of the report: each installer's times as median (min–max) over the repetitions that got there, how many
 * never did within the timeout, the ratios to the MetricsStack (per repetition, on the same cluster, then median
 * (min–max)), every manual step, the args that ran, and what each place said while nothing worked.
 */
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const OPERATOR = 'metricsstack';

type Pick = (c: PeerCase) => number | null;

/** `16.5 (16.4–16.8) s`, `never within 150 s (3 of 3)`, or both when only some repetitions got there. */
function time(cases: PeerCase[], pick: Pick): string {
  const never = cases.filter((c) => pick(c) === null).length;
  const s = across(cases, (c) => pick(c) ?? undefined);
  const within = `never within ${cases[0]!.timeoutS} s`;
  if (s.n === 0) return `${within} (${never} of ${cases.length})`;
  return `${fmt(s, 1)} s${never > 0 ? `; ${within} in ${never} of ${cases.length}` : ''}`;
}

/** This case's time over the MetricsStack's in the same repetition, median (min–max); "∞" when it never got there. */
function ratio(reps: PeerRepetition[], id: string, pick: Pick): string {
  if (id === OPERATOR) return '1';
  const pairs = reps.map((r) => [r.cases.find((c) => c.id === id), r.cases.find((c) => c.id === OPERATOR)] as const)
    .filter(([a, b]) => a && b && pick(b) !== null);
  if (pairs.length === 0) return 'n/a';
  if (pairs.every(([a]) => pick(a!) === null)) return '∞ (never)';
  const s = across(pairs, ([a, b]) => { const x = pick(a!); return x === null ? undefined : x / pick(b!)!; });
  const never = pairs.filter(([a]) => pick(a!) === null).length;
  return `${fmt(s, 2)}×${never > 0 ? `, ∞ in ${never}` : ''}`;
}

export function peerSection(reps: PeerRepetition[] | undefined): string[] {
  if (!reps || reps.length === 0) return [];
  const ids = [...new Set(reps.flatMap((r) => r.cases.map((c) => c.id)))];
  const of = (id: string) => reps.flatMap((r) => r.cases.filter((c) => c.id === id));
  const first = (id: string) => of(id)[0]!;
  const lines = [
    '', '### 5. Side by side with the upstream installers (same cluster: 2 EC2 + 3 Fargate kwok nodes, kubelet certificates as kwok serves them)', '',
    'Each installer in turn on one network-mode cluster per repetition, from its install command (the MetricsStack: the stack ' +
    'created, then the operator started, as a user applies both), to `kubectl top nodes` showing figures for both EC2 nodes and ' +
    'to an HPA on CPU (created before the install, as a user\'s own) showing a current value. The real metrics-server binary ' +
    'runs every pod each installer created, with the args it rendered (below); then the installer\'s own uninstall. kwok serves ' +
    'every node\'s kubelet with one certificate, signed by the cluster CA, for 127.0.0.1 only (a real EKS kubelet\'s names its ' +
    'node), so a verifying metrics-server rejects it. The HPA controller here syncs every 5 s (the default is 15 s) in every ' +
    'case alike, and no case pulls an image (kwok runs pods without one). The two that never work run first; the other two ' +
    'swap places every other repetition. "Of which after the start": metrics-server\'s own part (it needs two scrapes, one ' +
    'metric resolution apart, for a CPU rate). Ratios: that row\'s time over the MetricsStack\'s in the same repetition.', '',
    row(['installer', 'manual steps', 'metrics-server started', '`kubectl top nodes` answers for the EC2 nodes', 'of which after the start', 'HPA shows a CPU value', 'top nodes ÷ MetricsStack', 'HPA ÷ MetricsStack']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...ids.map((id) => row([first(id).label, first(id).steps.length, time(of(id), (c) => c.binaryStartedS), time(of(id), (c) => c.topNodesS),
      time(of(id), (c) => (c.topNodesS === null || c.binaryStartedS === null ? null : c.topNodesS - c.binaryStartedS)), time(of(id), (c) => c.hpaS),
      ratio(reps, id, (c) => c.topNodesS), ratio(reps, id, (c) => c.hpaS)])),
    '', 'Manual steps, each counted:', '',
    ...ids.flatMap((id) => [`- ${first(id).label}: ${first(id).steps.map((s, i) => `(${i + 1}) ${s}`).join('; ')}.`]),
    '', 'metrics-server as each ran it (the container\'s args from its pod spec):', '',
    ...ids.map((id) => `- ${first(id).label}: \`${first(id).args.join(' ')}\` (${first(id).pods} pod${first(id).pods === 1 ? '' : 's'})`),
    '', 'What each place said while `kubectl top nodes` did not answer (distinct lines, first seen at s after the install, first repetition):', '',
  ];
  for (const id of ids) {
    const c = first(id);
    const said = c.whileBroken.map((w) => `  - ${w.source} (+${w.atS.toFixed(0)} s): ${w.text.replaceAll('|', '\\|')}`);
    lines.push(`- ${c.label}:${said.length === 0 ? ' nothing was broken long enough to sample' : ''}`, ...said);
    lines.push(`  - at the end, the installer: ${c.finalStatus.replaceAll('|', '\\|')}`);
    if (c.logCause) lines.push(`  - metrics-server's own log (\`kubectl logs\`), the only place naming the cause: ${c.logCause.replaceAll('|', '\\|')}`);
  }
  return lines;
}
