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
        let event: { type?: string; object?: KubernetesObject };
        try {
          event = JSON.parse(this.dropManagedFields ? withoutManagedFields(line) : line) as typeof event;
        } catch {
          return; // as client-node: a line that does not parse is skipped
        }
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
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN = 91;
const CLOSE = 93;

/**
 * The JSON text of one watch event without its object's `"managedFields":[...]` member (the first one: metadata comes
 * before spec and status in what the apiserver sends), or the text unchanged when there is none or it does not close.
 * The key with an array value can only be that member: inside a string its quotes would be escaped. Strings inside
 * the array are skipped whole, so brackets in field names (`k:{"type":"Ready"}`, escaped) do not count.
 */
export function withoutManagedFields(line: string): string {
  const at = line.indexOf(KEY);
  if (at < 0) return line;
  let depth = 0;
  let end = -1;
  for (let i = at + KEY.length - 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < line.length; i++) {
        const q = line.charCodeAt(i);
        if (q === BACKSLASH) i++;
        else if (q === QUOTE) break;
      }
    } else if (c === OPEN) depth++;
    else if (c === CLOSE && --depth === 0) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) return line;
  // Take one comma with it: the one after the member, else the one before it.
  if (line.charCodeAt(end) === 44) return line.slice(0, at) + line.slice(end + 1);
  if (at > 0 && line.charCodeAt(at - 1) === 44) return line.slice(0, at - 1) + line.slice(end);
  return line.slice(0, at) + line.slice(end);
}
