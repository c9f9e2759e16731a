import { describe, expect, it } from 'vitest';
import { foreignAdditions, foreignChangeMessage, mergeChanges, overriddenFields } from '../../../src/kube/foreign-fields.js';
import type { FieldsV1 } from '../../../src/kube/managed-fields.js';
import { entry } from '../../support/managed-fields.js';
import { editedBy, liveAfter, pod, render } from './deployment-fixture.js';

const podFields = (fields: FieldsV1): FieldsV1 => ({ 'f:spec': { 'f:template': { 'f:spec': fields } } });
const inContainer = (fields: FieldsV1): FieldsV1 => podFields({ 'f:containers': { 'k:{"name":"metrics-server"}': fields } });
describe('overriddenFields: what another manager set to values we render otherwise', () => {
  it('names hostNetwork: true as security-relevant', () => {
    const live = editedBy('intruder', podFields({ 'f:hostNetwork': {} }), (d) => { pod(d).hostNetwork = true; });
    expect(overriddenFields(render(), live)).toEqual([
      { manager: 'intruder', reverted: [{ path: 'spec.template.spec.hostNetwork', security: true }], removed: [] },
    ]);
  });

  it('names edited args, not security-relevant, and nothing for a field set to the value we render', () => {
    const live = editedBy('kubectl-patch', inContainer({ 'f:args': {}, 'f:image': {} }), (d) => { pod(d).containers[0]!.args = ['--v=9']; });
    expect(overriddenFields(render(), live)).toEqual([
      { manager: 'kubectl-patch', reverted: [{ path: 'spec.template.spec.containers[name=metrics-server].args', security: false }], removed: [] },
    ]);
  });

  it('does not blame a manager that shares a field we still own when the spec changes it', () => {
    const live = liveAfter(render(), entry('helm', inContainer({ 'f:args': {} }), 'Update'));
    expect(overriddenFields(render({ args: ['--metric-resolution=30s'] }), live)).toEqual([]);
  });

  it("ignores what other managers own outside what we render (the controller-manager's revision annotation)", () => {
    const live = editedBy('kube-controller-manager', { 'f:metadata': { 'f:annotations': { 'f:deployment.kubernetes.io/revision': {} } } }, (d) => {
      d.metadata!.annotations = { 'deployment.kubernetes.io/revision': '3' };
    });
    expect(overriddenFields(render(), live)).toEqual([]);
  });
});

describe('foreignAdditions: what another manager added under the pod template, removed by a guarded JSON patch', () => {
  it('removes an env var and pod labels (a "/" in a key escaped), testing each value first', () => {
    const fields: FieldsV1 = {
      'f:spec': { 'f:template': {
        'f:metadata': { 'f:labels': { 'f:allow-egress': {}, 'f:example.com/team': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"metrics-server"}': {
          'f:env': { '.': {}, 'k:{"name":"DEBUG"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
        } } },
      } },
    };
    const live = editedBy('hand-edit', fields, (d) => {
      Object.assign(d.spec!.template.metadata!.labels!, { 'allow-egress': 'true', 'example.com/team': 'a' });
      pod(d).containers[0]!.env = [{ name: 'DEBUG', value: '1' }];
    });
    const { patch, changes } = foreignAdditions(render(), live);
    expect(patch).toEqual([
      { op: 'test', path: '/spec/template/spec/containers/0/env', value: [{ name: 'DEBUG', value: '1' }] },
      { op: 'remove', path: '/spec/template/spec/containers/0/env' },
      { op: 'test', path: '/spec/template/metadata/labels/example.com~1team', value: 'a' },
      { op: 'remove', path: '/spec/template/metadata/labels/example.com~1team' },
      { op: 'test', path: '/spec/template/metadata/labels/allow-egress', value: 'true' },
      { op: 'remove', path: '/spec/template/metadata/labels/allow-egress' },
    ]);
    expect(changes).toEqual([{ manager: 'hand-edit', reverted: [], removed: [
      { path: 'spec.template.metadata.labels.allow-egress', security: false },
      { path: 'spec.template.metadata.labels.example.com/team', security: false },
      { path: 'spec.template.spec.containers[name=metrics-server].env', security: false },
    ] }]);
  });

  it('removes a hostPath volume, its mount and added capabilities as security-relevant, the later list item first', () => {
    const fields = podFields({
      'f:volumes': { 'k:{"name":"host-root"}': { '.': {}, 'f:hostPath': { 'f:path': {} }, 'f:name': {} } },
      'f:containers': { 'k:{"name":"metrics-server"}': {
        'f:volumeMounts': { 'k:{"mountPath":"/host"}': { '.': {}, 'f:mountPath': {}, 'f:name': {} } },
        'f:securityContext': { 'f:capabilities': { 'f:add': {} } },
      } },
    });
    const live = editedBy('escalate', fields, (d) => {
      pod(d).volumes!.unshift({ name: 'host-root', hostPath: { path: '/' } });
      pod(d).containers[0]!.volumeMounts!.push({ name: 'host-root', mountPath: '/host' });
      pod(d).containers[0]!.securityContext!.capabilities!.add = ['SYS_ADMIN'];
    });
    const { patch, changes } = foreignAdditions(render(), live);
    expect(patch.filter((op) => op.op === 'remove').map((op) => op.path)).toEqual([
      '/spec/template/spec/volumes/0',
      '/spec/template/spec/containers/0/volumeMounts/3',
      '/spec/template/spec/containers/0/securityContext/capabilities/add',
    ]);
    expect(changes[0]?.removed).toEqual([
      { path: 'spec.template.spec.volumes[name=host-root]', security: true },
      { path: 'spec.template.spec.containers[name=metrics-server].volumeMounts[mountPath=/host]', security: false },
      { path: 'spec.template.spec.containers[name=metrics-server].securityContext.capabilities.add', security: true },
    ]);
  });

  it('keeps a label the selector uses, template annotations (kubectl rollout restart) and defaulted fields', () => {
    const fields: FieldsV1 = { 'f:spec': { 'f:template': {
      'f:metadata': { 'f:labels': { 'f:k8s-app': {} }, 'f:annotations': { 'f:kubectl.kubernetes.io/restartedAt': {} } },
      'f:spec': { 'f:dnsPolicy': {}, 'f:containers': { 'k:{"name":"metrics-server"}': { 'f:terminationMessagePath': {} } } },
    } } };
    const live = editedBy('kubectl-rollout', fields, (d) => {
      d.spec!.template.metadata!.annotations = { ...d.spec!.template.metadata!.annotations, 'kubectl.kubernetes.io/restartedAt': 'now' };
      Object.assign(pod(d), { dnsPolicy: 'ClusterFirst' });
      Object.assign(pod(d).containers[0]!, { terminationMessagePath: '/dev/termination-log' });
    });
    expect(live.metadata?.managedFields?.length).toBe(2);
    expect(foreignAdditions(render(), live)).toEqual({ patch: [], changes: [] });
  });

  it('removes a parent once when two managers own it and an item inside it', () => {
    const envField = (name: string): FieldsV1 => inContainer({ 'f:env': { [`k:{"name":"${name}"}`]: { '.': {}, 'f:name': {} } } });
    const live = liveAfter(render(), entry('a', inContainer({ 'f:env': { '.': {} } }), 'Update'), entry('b', envField('B'), 'Update'));
    pod(live).containers[0]!.env = [{ name: 'B', value: '1' }];
    expect(foreignAdditions(render(), live).patch.filter((op) => op.op === 'remove')).toEqual([
      { op: 'remove', path: '/spec/template/spec/containers/0/env' },
    ]);
  });

  it('never removes what our own manager owns', () => {
    expect(foreignAdditions(render(), liveAfter(render({ placement: { annotateEC2: true, avoidFargateAffinity: true } })))).toEqual({ patch: [], changes: [] });
  });
});

describe('the Event message', () => {
  it('names the object, the manager and each field, security-relevant ones marked', () => {
    const [change] = mergeChanges([
      { manager: 'escalate', reverted: [{ path: 'spec.template.spec.hostNetwork', security: true }], removed: [] },
      { manager: 'escalate', reverted: [], removed: [{ path: 'spec.template.spec.containers[name=metrics-server].env', security: false }] },
    ]);
    expect(foreignChangeMessage('Deployment kube-system/metrics-server', change!)).toBe(
      'Deployment kube-system/metrics-server: field manager "escalate" changed what the operator manages; reverted ' +
      'spec.template.spec.hostNetwork (security-relevant); removed spec.template.spec.containers[name=metrics-server].env. ' +
      'Make such changes through the MetricsStack spec.');
  });
});
