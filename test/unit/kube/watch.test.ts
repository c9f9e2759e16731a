import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamWatch, withoutManagedFields, type WatchOpener } from '../../../src/kube/watch.js';

/** An apiserver's watch response as undici hands it over: a status and a Node stream that the signal aborts. */
function opener(statusCode = 200) {
  const body = new PassThrough();
  const calls: { path: string; query: unknown; accept?: string | undefined }[] = [];
  const o: WatchOpener = {
    openWatch: async (path, query, { accept, signal }) => {
      calls.push({ path, query, accept });
      signal.addEventListener('abort', () => body.destroy(signal.reason as Error), { once: true });
      return { statusCode, body };
    },
  };
  return { o, body, calls };
}
const event = (type: string, name: string) => `${JSON.stringify({ type, object: { kind: 'Node', metadata: { name } } })}\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StreamWatch', () => {
  it('delivers every event, whole, however the chunks cut the lines (a multi-byte character split too)', async () => {
    const { o, body, calls } = opener();
    const seen: [string, string | undefined][] = [];
    const done: unknown[] = [];
    await new StreamWatch(o, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1').watch('/api/v1/nodes', { resourceVersion: '7' },
      (phase, obj) => seen.push([phase, obj.metadata?.name]), (err) => done.push(err));
    expect(calls).toEqual([{ path: '/api/v1/nodes', query: { resourceVersion: '7' }, accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' }]);
    const all = Buffer.from(event('ADDED', 'a') + event('MODIFIED', 'ノード-b') + event('BOOKMARK', 'c') + event('DELETED', 'd'));
    const cuts = [3, 40, 41, 75, 76, 77, all.length - 1];
    let from = 0;
    for (const cut of cuts) {
      body.write(all.subarray(from, cut));
      from = cut;
      await sleep(1);
    }
    body.write(all.subarray(from));
    body.end('not json\n');
    await sleep(5);
    expect(seen).toEqual([['ADDED', 'a'], ['MODIFIED', 'ノード-b'], ['BOOKMARK', 'c'], ['DELETED', 'd']]);
    expect(done).toEqual([null]);
  });

  it('GIVEN the apiserver answers 410 Gone, THEN done gets an error with that statusCode (ListWatch relists) and no event', async () => {
    const { o, body } = opener(410);
    body.end('{"kind":"Status","code":410}');
    const done: unknown[] = [];
    await new StreamWatch(o).watch('/api/v1/nodes', {}, () => expect.fail('no event'), (err) => done.push(err));
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ message: 'Gone', statusCode: 410 });
  });

  it('GIVEN nothing arrives for requestTimeoutMs, THEN the watch ends once with a TimeoutError; data in time keeps it open', async () => {
    const { o, body } = opener();
    const w = new StreamWatch(o);
    w.requestTimeoutMs = 60;
    const done: unknown[] = [];
    await w.watch('/api/v1/nodes', {}, () => undefined, (err) => done.push(err));
    for (let i = 0; i < 5; i++) {
      await sleep(30);
      body.write('\n');
    }
    expect(done).toEqual([]);
    await sleep(150);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ name: 'TimeoutError' });
  });

  it('GIVEN the caller aborts through the returned controller, THEN done is called once and the stream is closed', async () => {
    const { o, body } = opener();
    const done: unknown[] = [];
    const controller = await new StreamWatch(o).watch('/api/v1/nodes', {}, () => undefined, (err) => done.push(err));
    controller.abort();
    await sleep(5);
    expect(body.destroyed).toBe(true);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ name: 'AbortError' });
  });

  it('GIVEN the request itself fails (connection refused), THEN done gets that error', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const done: unknown[] = [];
    await new StreamWatch({ openWatch: () => Promise.reject(refused) }).watch('/api/v1/nodes', {}, () => undefined, (err) => done.push(err));
    expect(done).toEqual([refused]);
  });
});

/** A metadata-only heartbeat as the apiserver sends it for a kwok node (managedFields of the kubelet's status updates). */
const heartbeat = (managedFields: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({
  type: 'MODIFIED',
  object: {
    kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1',
    // In Go's field order, as the apiserver writes ObjectMeta: managedFields last.
    metadata: { name: 'ip-10-1-0-1.ec2.internal', resourceVersion: '4711', labels: { 'eks.amazonaws.com/compute-type': 'ec2' }, ...extra, managedFields },
  },
});
const entry = (manager: string) => ({
  manager, operation: 'Update', apiVersion: 'v1', time: '2026-12-07T14:08:00Z', fieldsType: 'FieldsV1', subresource: 'status',
  fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:lastHeartbeatTime': {} }, 'k:{"type":"[odd]\\"]"}': {} }, 'f:addresses': {} } },
});

describe('withoutManagedFields', () => {
  it('cuts metadata.managedFields whole (a bracket not followed by a brace, escaped quotes in its field names do not end it) and nothing else', () => {
    for (const extra of [{}, { annotations: { note: 'say "managedFields":[ here' } }]) {
      const line = heartbeat([entry('kwok'), entry('kube-controller-manager')], extra);
      const cut = withoutManagedFields(line);
      const expected = JSON.parse(line) as { object: { metadata: Record<string, unknown> } };
      delete expected.object.metadata.managedFields;
      expect(JSON.parse(cut)).toEqual(expected);
      expect(cut.length).toBeLessThan(line.length / 2);
    }
  });

  it('cuts the member with the comma before it, leaves a line without it as it was, and what it cannot cut parses as it came', async () => {
    const last = '{"metadata":{"name":"n","managedFields":[{"fieldsV1":{"f:a":{}}}]}}';
    const only = '{"metadata":{"managedFields":[]}}';
    expect([last, only].map((l) => JSON.parse(withoutManagedFields(l)))).toEqual([{ metadata: { name: 'n' } }, { metadata: {} }]);
    const none = heartbeat([]).replace('"managedFields":[]', '"other":[]');
    expect(withoutManagedFields(none)).toBe(none);
    const unclosed = '{"metadata":{"managedFields":[{"a":1}';
    expect(withoutManagedFields(unclosed)).toBe(unclosed);
    // Not as the apiserver writes it (managedFields not last, a ']}' in a string): the cut does not parse, so
    // StreamWatch parses the line whole rather than lose the event.
    const odd = '{"type":"MODIFIED","object":{"metadata":{"managedFields":[{"manager":"x]}y"}],"name":"n"}}}';
    expect(() => JSON.parse(withoutManagedFields(odd))).toThrow();
    const { o, body } = opener();
    const seen: unknown[] = [];
    await new StreamWatch(o, undefined, true).watch('/api/v1/nodes', {}, (_phase, obj) => seen.push(obj), () => undefined);
    body.write(`${odd}\n`);
    await sleep(10);
    expect(seen).toEqual([{ metadata: { managedFields: [{ manager: 'x]}y' }], name: 'n' } }]);
    body.end();
  });

  it('GIVEN dropManagedFields, THEN StreamWatch hands the callback the object without managedFields', async () => {
    const { o, body } = opener();
    const seen: unknown[] = [];
    await new StreamWatch(o, undefined, true).watch('/api/v1/nodes', {}, (_phase, obj) => seen.push(obj), () => undefined);
    body.write(`${heartbeat([entry('kwok')])}\n`);
    await sleep(10);
    expect(seen).toEqual([{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'ip-10-1-0-1.ec2.internal', resourceVersion: '4711', labels: { 'eks.amazonaws.com/compute-type': 'ec2' } } }]);
    body.end();
  });
});
