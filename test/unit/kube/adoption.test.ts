import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { takeOverConflictingFields } from '../../../src/kube/adoption.js';

const apiService = (spec: Record<string, unknown>) => ({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1beta1.external.metrics.k8s.io' }, spec }) as KubernetesObject;

describe('takeOverConflictingFields', () => {
  it("GIVEN KEDA's APIService with insecureSkipTLSVerify WHEN adopted with a caBundle THEN the flag is set false explicitly", () => {
    const out = takeOverConflictingFields(apiService({ caBundle: 'Q0E=' }), apiService({ insecureSkipTLSVerify: true }));
    expect((out as { spec: unknown }).spec).toEqual({ caBundle: 'Q0E=', insecureSkipTLSVerify: false });
  });
  it('leaves everything else as rendered', () => {
    const desired = apiService({ caBundle: 'Q0E=' });
    expect(takeOverConflictingFields(desired, apiService({ caBundle: 'b2xk' }))).toBe(desired);
    const skip = apiService({ insecureSkipTLSVerify: true });
    expect(takeOverConflictingFields(skip, apiService({ insecureSkipTLSVerify: true }))).toBe(skip);
  });
});
