/**
 * A Kubernetes watch read straight off the shared connection: the same contract as client-node's `Watch` (2.0.1),
 * which ListWatch drives, without its per-event cost. client-node reads the response through fetch, then
 * `Readable.fromWeb` and `readline`: three layers of streams for every event, and a timer cleared and set again for
 * every chunk. A profile of 5,000 node heartbeats put most of the operator's JS time there (README, bench). Here the
 * body is undici's own Node stream, lines are cut from its text as it comes, and the inactivity deadline is one timer
 * that re-arms itself only when it fires.
 */
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import type { KubernetesObject } from '@kubernetes/client-node';

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** What a watch needs of the client: KubeClient.openWatch. */
export interface WatchOpener {
  openWatch(path: string, query: Query, o: { accept?: string; signal: AbortSignal }): Promise<{ statusCode: number; body: Readable }>;
}

export type WatchCallback = (phase: string, apiObj: KubernetesObject, watchObj?: unknown) => void;
export type WatchDone = (err: unknown) => void;

const timeoutError = (): DOMException => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

export class StreamWatch {
  /**
   * How long the response may take to start, and then how long the stream may carry nothing, before the watch is
   * ended with a TimeoutError (client-node's name for the same knob; list-watch.ts sets it to the progress deadline).
   */
  requestTimeoutMs = 30_000;

  /**
   * `dropManagedFields`: each event's `metadata.managedFields` is cut from the line before it is parsed
   * ({@link withoutManagedFields}), for informers whose transform drops it anyway (nodes, HPAs). On a kwok node's
   * metadata-only heartbeat the field trees are most of the line, and parsing them was most of a heartbeat's cost.
   */
  constructor(private readonly client: WatchOpener, private readonly accept?: string, private readonly dropManagedFields = false) {}

  /**
   * Opens the watch and resolves once the apiserver answered (or the attempt failed). Every event goes to
   * `callback`; `done` is called exactly once, when the stream ends (null), fails, or is aborted through the
   * returned controller. A response other than 200 is an Error with `statusCode` (410 makes ListWatch relist).
   */
  async watch(path: string, query: Query, callback: WatchCallback, done: WatchDone): Promise<AbortController> {
    const controller = new AbortController();
    let last = performance.now();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number): void => {
      timer = setTimeout(() => {
        const idle = performance.now() - last;
        if (idle < this.requestTimeoutMs) return arm(this.requestTimeoutMs - idle);
        timedOut = true;
        controller.abort(timeoutError());
      }, ms);
      timer.unref();
    };
    let ended = false;
    const end = (err: unknown): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      controller.abort();
      done(err && timedOut ? timeoutError() : err);
    };
    arm(this.requestTimeoutMs);
    try {
      const { statusCode, body } = await this.client.openWatch(path, query, { ...(this.accept ? { accept: this.accept } : {}), signal: controller.signal });
      if (statusCode !== 200) {
        body.on('error', () => undefined).resume(); // read to its end or aborted below: either way, nothing to report
        throw Object.assign(new Error(STATUS_CODES[statusCode] ?? 'Internal Server Error'), { statusCode });
      }
      last = performance.now();
      readLines(body, () => (last = performance.now()), (line) => {
        let event: { type?: string; object?: KubernetesObject } | undefined;
        const cut = this.dropManagedFields ? withoutManagedFields(line) : line;
        for (const text of cut === line ? [line] : [cut, line]) {
          try {
            event = JSON.parse(text) as typeof event;
            break;
          } catch {
            // a cut in the wrong place: the line as it came; a line that does not parse is skipped, as client-node does
          }
        }
        if (!event) return;
        callback(event.type ?? '', event.object ?? {}, event);
      }, end);
    } catch (err) {
      end(err);
    }
    return controller;
  }
}

/**
 * Calls `line` for every complete line of `body` (UTF-8; a line may span chunks, a chunk hold many lines), `data`
 * for every chunk, and `end` once: null at the end of the stream, else the error.
 */
export function readLines(body: Readable, data: () => void, line: (text: string) => void, end: (err: unknown) => void): void {
  let pending = '';
  body.setEncoding('utf8');
  body.on('data', (chunk: string) => {
    data();
    let from = 0;
    let nl = chunk.indexOf('\n');
    if (nl >= 0 && pending) {
      const first = pending + chunk.slice(0, nl);
      pending = '';
      from = nl + 1;
      if (first.trim()) line(first);
      nl = chunk.indexOf('\n', from);
    }
    for (; nl >= 0; nl = chunk.indexOf('\n', from)) {
      if (nl > from) line(chunk.slice(from, nl));
      from = nl + 1;
    }
    if (from < chunk.length) pending += chunk.slice(from);
  });
  body.on('error', end);
  body.on('end', () => {
    if (pending.trim()) line(pending);
    pending = '';
    end(null);
  });
  body.on('close', () => end(null));
}

const KEY = '"managedFields":[';

/**
 * The JSON text of one watch event without its object's `"managedFields":[...]` member, or the text unchanged when it
 * has none. Native string searches only (a character loop in JavaScript cost five times what JSON.parse of the whole
 * line does, under the image's --max-opt=1): the apiserver writes ObjectMeta in Go's field order, where managedFields
 * comes last, so the member ends at the first `]}` after its key (field trees are objects; no array inside). The key
 * with an array value can only be that member: inside a string its quotes would be escaped. A cut in the wrong place
 * does not parse, and StreamWatch then parses the line as it came.
 */
export function withoutManagedFields(line: string): string {
  const at = line.indexOf(KEY);
  if (at < 0) return line;
  const end = line.indexOf(']}', at + KEY.length - 1);
  if (end < 0) return line;
  const from = line.charCodeAt(at - 1) === 44 ? at - 1 : at; // with the comma before it
  return line.slice(0, from) + line.slice(end + 1);
}
