import { describe, expect, it } from 'vitest';
import { REFUSED_RESTART_CAP_MS, restartCapMs, UNREACHABLE_RESTART_CAP_MS } from '../../../src/controllers/informer-restart.js';
import { KubeApiError } from '../../../src/kube/client.js';

const status = (code: number) => new KubeApiError('GET', '/api/v1/nodes', code, { message: 'x' });
const watchStatus = (statusCode: number) => Object.assign(new Error('watch refused'), { statusCode });

describe('restartCapMs', () => {
  it.each([
    ['connection refused (no HTTP status)', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), UNREACHABLE_RESTART_CAP_MS],
    ['an exec plugin that failed before any request', new Error('exec: exit status 1'), UNREACHABLE_RESTART_CAP_MS],
    ['429 while the watch cache initializes', status(429), UNREACHABLE_RESTART_CAP_MS],
    ['503 from an apiserver that is not ready', watchStatus(503), UNREACHABLE_RESTART_CAP_MS],
    ['403 from RBAC', status(403), REFUSED_RESTART_CAP_MS],
    ['404 for a CRD not installed', watchStatus(404), REFUSED_RESTART_CAP_MS],
    ['401 for rejected credentials', status(401), REFUSED_RESTART_CAP_MS],
  ])('caps the restart backoff after %s', (_name, err, cap) => {
    expect(restartCapMs(err)).toBe(cap);
  });
});
