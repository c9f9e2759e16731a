import { describe, expect, it } from 'vitest';
import { topShows, type PeerCase, type PeerRepetition } from '../../../bench/peer.js';
import { peerSection } from '../../../bench/peer-report.js';

const kase = (id: PeerCase['id'], topNodesS: number | null, hpaS: number | null): PeerCase => ({
  id, label: id, steps: ['one', 'two'], args: ['--cert-dir=/tmp'], pods: 1, timeoutS: 150, binaryStartedS: 1, topNodesS, hpaS, whileBroken: [], finalStatus: 'deployed',
});
const rep = (...cases: PeerCase[]): PeerRepetition => ({ cases });
const tableRow = (lines: string[], id: string) => lines.find((l) => l.startsWith(`| ${id} |`));

describe('peer section', () => {
  it('prints nothing for runs before the section existed', () => {
    expect(peerSection(undefined)).toEqual([]);
    expect(peerSection([])).toEqual([]);
  });

  it('gives median (min–max) of the times and of the per-repetition ratios to the MetricsStack', () => {
    const lines = peerSection([
      rep(kase('chart-readme-flags', 30, 40), kase('metricsstack', 20, 20)),
      rep(kase('chart-readme-flags', 33, 44), kase('metricsstack', 22, 22)),
      rep(kase('chart-readme-flags', 60, 60), kase('metricsstack', 20, 30)),
    ]);
    expect(tableRow(lines, 'chart-readme-flags')).toBe('| chart-readme-flags | 2 | 1.0 s | 33.0 (30.0–60.0) s | 32.0 (29.0–59.0) s | 44.0 (40.0–60.0) s | 1.50 (1.50–3.00)× | 2.00× |');
    expect(tableRow(lines, 'metricsstack')).toBe('| metricsstack | 2 | 1.0 s | 20.0 (20.0–22.0) s | 19.0 (19.0–21.0) s | 22.0 (20.0–30.0) s | 1 | 1 |');
  });

  it('says never, with the timeout and how often, instead of a time or a ratio', () => {
    const lines = peerSection([
      rep(kase('chart-defaults', null, null), kase('chart-readme-flags', 30, null), kase('metricsstack', 20, 20)),
      rep(kase('chart-defaults', null, null), kase('chart-readme-flags', 40, 50), kase('metricsstack', 20, 25)),
    ]);
    expect(tableRow(lines, 'chart-defaults')).toBe('| chart-defaults | 2 | 1.0 s | never within 150 s (2 of 2) | never within 150 s (2 of 2) | never within 150 s (2 of 2) | ∞ (never) | ∞ (never) |');
    expect(tableRow(lines, 'chart-readme-flags')).toBe('| chart-readme-flags | 2 | 1.0 s | 35.0 (30.0–40.0) s | 34.0 (29.0–39.0) s | 50.0 s; never within 150 s in 1 of 2 | 1.75 (1.50–2.00)× | 2.00×, ∞ in 1 |');
  });
});

describe('topShows', () => {
  const out = 'ip-10-0-1-23.ec2.internal   255m   12%   130Mi   1%\nip-10-0-1-87.ec2.internal   <unknown>   <unknown>   <unknown>   <unknown>\n';
  it('needs figures for every named node', () => {
    expect(topShows(out, ['ip-10-0-1-23.ec2.internal'])).toBe(true);
    expect(topShows(out, ['ip-10-0-1-23.ec2.internal', 'ip-10-0-1-87.ec2.internal'])).toBe(false);
    expect(topShows('', ['ip-10-0-1-23.ec2.internal'])).toBe(false);
  });
});
