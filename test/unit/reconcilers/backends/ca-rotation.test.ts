import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decideCARotation, pemBlocks, rolloutOf, type CARotationFacts, type Rollout } from '../../../../src/reconcilers/backends/ca-rotation.js';

// CAs are compared as text: short names stand for PEM blocks.
const [OLD, NEW, NEWER] = ['old-ca', 'new-ca', 'newer-ca'];
const rolled = (certHash: string): Rollout => ({ certHash, complete: true, detail: '2 of 2 pods run the current template' });
const rolling = (certHash: string): Rollout => ({ certHash, complete: false, detail: '1 of 2 pods run the current template' });
const facts = (f: Partial<CARotationFacts>): CARotationFacts => ({ targetCA: NEW, targetCertHash: 'h-new', trusted: [], rollout: undefined, ...f });

describe('decideCARotation', () => {
  const cases: { name: string; facts: CARotationFacts; step: string; bundle: string[]; reason?: RegExp }[] = [
    { name: 'a first install: no APIService yet, so it is created trusting the new CA alone',
      facts: facts({}), step: 'steady', bundle: [NEW] },
    { name: 'the Secret was deleted while the APIService trusts the old CA: old and new are published before the Secret is written',
      facts: facts({ trusted: [[OLD]], rollout: rolled('h-old') }), step: 'publish', bundle: [NEW, OLD],
      reason: /^1 of 1 APIService\(s\) .* take all 2 before the Secret/ },
    { name: 'an expiring certificate is replaced: the CA it replaces stays beside the new one',
      facts: facts({ replacedCA: OLD, trusted: [[OLD]], rollout: rolled('h-old') }), step: 'publish', bundle: [NEW, OLD] },
    { name: 'the old CA is kept even when the APIService had already lost it: pods may still serve from the replaced Secret',
      facts: facts({ replacedCA: OLD, trusted: [[]], rollout: rolled('h-old') }), step: 'publish', bundle: [NEW, OLD] },
    { name: 'one of two APIServices took the new CA before an apply failed: both get the union',
      facts: facts({ trusted: [[NEW, OLD], [OLD]], rollout: rolled('h-old') }), step: 'publish', bundle: [NEW, OLD], reason: /^1 of 2 / },
    { name: 'published, but the Deployment cannot roll (an admission policy denies it): the old CA stays',
      facts: facts({ trusted: [[NEW, OLD]], rollout: rolled('h-old') }), step: 'await-rollout', bundle: [NEW, OLD],
      reason: /1 older CA\(s\) stay trusted .*: the pod template is not rendered from the current certificate yet/ },
    { name: 'the new template is rolling out: the old CA stays until no pod of the old one is left',
      facts: facts({ trusted: [[NEW, OLD]], rollout: rolling('h-new') }), step: 'await-rollout', bundle: [NEW, OLD],
      reason: /: 1 of 2 pods run the current template$/ },
    { name: 'no Deployment exists while an older CA is trusted: it stays',
      facts: facts({ trusted: [[NEW, OLD]] }), step: 'await-rollout', bundle: [NEW, OLD], reason: /the Deployment does not exist yet/ },
    { name: 'every pod runs the template of the new certificate: the old CA goes',
      facts: facts({ trusted: [[NEW, OLD]], rollout: rolled('h-new') }), step: 'drop-old', bundle: [NEW], reason: /1 older CA\(s\) leave/ },
    { name: 'the drop reached one APIService only: the other follows, the first does not take the old CA back',
      facts: facts({ trusted: [[NEW], [NEW, OLD]], rollout: rolled('h-new') }), step: 'drop-old', bundle: [NEW] },
    { name: 'an APIService lost the CA the pods serve from (edited by hand): it is published again at once',
      facts: facts({ trusted: [[OLD]], rollout: rolled('h-new') }), step: 'publish', bundle: [NEW] },
    { name: 'a second rotation before the first finished: all three CAs stay trusted',
      facts: facts({ targetCA: NEWER, targetCertHash: 'h-newer', replacedCA: NEW, trusted: [[NEW, OLD]], rollout: rolling('h-new') }),
      step: 'publish', bundle: [NEWER, NEW, OLD] },
    { name: 'steady: every APIService trusts the serving CA alone',
      facts: facts({ trusted: [[NEW], [NEW]], rollout: rolling('h-new') }), step: 'steady', bundle: [NEW] },
  ];
  it.each(cases)('$name', ({ facts: f, step, bundle, reason }) => {
    const plan = decideCARotation(f);
    expect({ step: plan.step, bundle: plan.bundle }).toEqual({ step, bundle });
    if (reason) expect(plan.reason).toMatch(reason);
  });
});

describe('rolloutOf', () => {
  const deployment = (status: V1Deployment['status'], generation = 3): V1Deployment => ({
    metadata: { name: 'metrics-server', generation },
    spec: { selector: {}, template: { metadata: { annotations: { 'metricsstack.io/serving-cert-sha256': 'h-new' } } } },
    status,
  });
  it.each([
    { name: 'no Deployment: no rollout', d: undefined, want: undefined },
    { name: 'a generation the controller has not observed is not rolled out',
      d: deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2 }),
      want: { certHash: 'h-new', complete: false, detail: 'generation 3 is not observed by the Deployment controller yet' } },
    { name: 'pods of an older ReplicaSet left: not complete',
      d: deployment({ observedGeneration: 3, replicas: 3, updatedReplicas: 2 }),
      want: { certHash: 'h-new', complete: false, detail: '2 of 3 pods run the current template' } },
    { name: 'pods still terminating: not complete',
      d: deployment({ observedGeneration: 3, replicas: 2, updatedReplicas: 2, terminatingReplicas: 1 }),
      want: { certHash: 'h-new', complete: false, detail: '2 of 2 pods run the current template, 1 terminating' } },
    { name: 'every pod runs the current template: complete',
      d: deployment({ observedGeneration: 3, replicas: 2, updatedReplicas: 2 }),
      want: { certHash: 'h-new', complete: true, detail: '2 of 2 pods run the current template' } },
  ])('$name', ({ d, want }) => expect(rolloutOf(d)).toEqual(want));
});

describe('pemBlocks', () => {
  it('splits a bundle into blocks that compare equal whatever the line endings, and ignores text around them', () => {
    const block = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(pemBlocks(`# ours\r\n${block.replaceAll('\n', '\r\n')}\r\n${block}`)).toEqual([`${block}\n`, `${block}\n`]);
    expect(pemBlocks('')).toEqual([]);
  });
});
