import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { Readable } from 'node:stream';
import { getGlobalDispatcher, type Dispatcher } from 'undici';
import { METADATA_ONLY_LIST } from './metadata-only.js';
import { collectionPath, mappingOf, objectPath } from './resources.js';
import { CONNECTION_PROBE_TIMEOUT_MS, dispatcherFor, SharedConnection } from './shared-connection.js';

/**
 * The operator's Kubernetes client: JSON over one kept-alive connection pool, authenticated by client-node's
 * KubeConfig (in-cluster token, client certificates, exec plugins, proxies). It replaces client-node's generated API
 * classes, which (2.0.1) open a new TLS connection for every request and, with their model serializer, cost about
 * 20 MB of resident memory for ~20 calls the operator makes; objects stay plain JSON, as the watch delivers them.
 */
export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    /** HTTP status; `code` as on client-node's ApiException, so callers classify both alike. */
    readonly code: number,
    /** The apiserver's Status object (or the raw text when it sent something else). */
    readonly body: unknown,
  ) {
    const message = (body as { message?: unknown } | undefined)?.message;
    super(`${method} ${path}: HTTP ${code}${typeof message === 'string' ? `: ${message}` : ''}`);
    this.name = 'KubeApiError';
  }
}

export type PatchType = 'apply' | 'merge' | 'json';
const CONTENT_TYPES: Record<PatchType, string> = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

type Query = Readonly<Record<string, string | number | boolean | undefined>>;
export interface RequestOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Default: the client's timeout (30 s). */
  readonly timeoutMs?: number;
  /** Default `application/json`; e.g. METADATA_ONLY_LIST (metadata-only.ts) for PartialObjectMetadataList. */
  readonly accept?: string;
}
export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Items as PartialObjectMetadata (apiVersion meta.k8s.io/v1): metadata only, no spec or status. */
  readonly metadataOnly?: boolean;
}

/** Items per page when listing, as client-go's pager: the largest list (nodes) never sits in memory whole. */
export const LIST_PAGE_SIZE = 500;
const DEFAULT_TIMEOUT_MS = 30_000;

/** The object-level calls reconcilers make; {@link KubeClient} is one. */
export type ObjectClient = Pick<KubeClient, 'read' | 'create' | 'replace' | 'apply' | 'patch' | 'delete' | 'listKind'>;

export class KubeClient {
  readonly #kc: KubeConfig;
  readonly #userAgent: string;
  readonly #timeoutMs: number;
  readonly #connection: SharedConnection;

  constructor(kc: KubeConfig, options: { userAgent?: string; timeoutMs?: number } = {}) {
    this.#kc = kc;
    this.#userAgent = options.userAgent ?? 'metricsstack-operator';
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#connection = new SharedConnection(() => dispatcherFor(kc));
  }

  /** One request; the parsed JSON answer, or a {@link KubeApiError} for any status outside 2xx. */
  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...(await this.#authHeaders()), accept: o.accept ?? 'application/json', 'user-agent': this.#userAgent };
    if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
    let status: number;
    let text: string;
    try {
      // undici's request(), not fetch(): no WHATWG Request/Response/stream objects per call, a third of fetch's CPU.
      const res = await (await this.#dispatcher()).request({
        origin: url.origin, path: url.pathname + url.search, method, headers, signal: AbortSignal.timeout(o.timeoutMs ?? this.#timeoutMs),
        ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      // No answer in time: perhaps the shared connection is dead, which would stall every later request too.
      if ((err as { name?: unknown }).name === 'TimeoutError') void this.checkConnection();
      throw err;
    }
    if (status < 200 || status > 299) throw new KubeApiError(method, path, status, parseOr(text, { message: text }));
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Whether the shared connection still carries answers: GET /version within {@link CONNECTION_PROBE_TIMEOUT_MS}
   * (any HTTP status counts). If not, the connection is replaced, failing every request and watch still on it so
   * that they retry on a fresh one. Resolves true when it was replaced. Watches call this when they go silent.
   */
  checkConnection(): Promise<boolean> {
    return this.#connection.check(() => this.request('GET', '/version', { timeoutMs: CONNECTION_PROBE_TIMEOUT_MS }).then(
      () => true,
      (err: unknown) => err instanceof KubeApiError,
    ));
  }

  /**
   * Lists a collection page by page ({@link LIST_PAGE_SIZE}), passing each item through `each` before the next page
   * is fetched, so a transform that trims objects bounds the memory a large list needs.
   */
  async list<T extends KubernetesObject>(path: string, query: Query = {}, each?: (item: T) => T, accept?: string): Promise<KubernetesListObject<T>> {
    const items: T[] = [];
    let page: KubernetesListObject<T> & { metadata?: { continue?: string } };
    let next: string | undefined;
    do {
      page = await this.request('GET', path, { query: { ...query, limit: LIST_PAGE_SIZE, continue: next }, ...(accept ? { accept } : {}) });
      for (const item of page.items ?? []) items.push(each ? each(item) : item); // an empty PartialObjectMetadataList: null
      next = page.metadata?.continue || undefined;
    } while (next);
    return { apiVersion: page.apiVersion ?? 'v1', kind: page.kind ?? 'List', metadata: { resourceVersion: page.metadata?.resourceVersion ?? '' }, items };
  }

  async listKind<T extends KubernetesObject>(apiVersion: string, kind: string, o: ListOptions = {}, each?: (item: T) => T): Promise<KubernetesListObject<T>> {
    const query = { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector };
    return this.list(collectionPath(mappingOf(apiVersion, kind), o.namespace), query, each, o.metadataOnly ? METADATA_ONLY_LIST : undefined);
  }

  async read<T extends KubernetesObject>(ref: KubernetesObject): Promise<T> {
    return this.request('GET', objectPath(ref));
  }

  async create<T extends KubernetesObject>(obj: T): Promise<T> {
    return this.request('POST', collectionPath(mappingOf(obj.apiVersion, obj.kind), obj.metadata?.namespace), { body: obj });
  }

  /** PUT: the apiserver refuses it (409) when `obj.metadata.resourceVersion` is no longer the live one. */
  async replace<T extends KubernetesObject>(obj: T): Promise<T> {
    return this.request('PUT', objectPath(obj), { body: obj });
  }

  /** Server-side apply of `obj` (or of its `subresource`, e.g. status) under `fieldManager`. */
  async apply<T extends KubernetesObject>(obj: KubernetesObject, o: { fieldManager: string; force: boolean; subresource?: string }): Promise<T> {
    return this.patch(obj, obj, 'apply', { fieldManager: o.fieldManager, force: o.force, ...(o.subresource ? { subresource: o.subresource } : {}) });
  }

  async patch<T extends KubernetesObject>(
    ref: KubernetesObject, body: unknown, type: PatchType, o: { fieldManager?: string; force?: boolean; subresource?: string } = {},
  ): Promise<T> {
    const path = objectPath(ref) + (o.subresource ? `/${o.subresource}` : '');
    return this.request('PATCH', path, { body, contentType: CONTENT_TYPES[type], query: { fieldManager: o.fieldManager, force: o.force } });
  }

  /** Deletes with background propagation; with `uid`, only the object that still has that uid. */
  async delete(ref: KubernetesObject, o: { uid?: string } = {}): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', ...(o.uid ? { preconditions: { uid: o.uid } } : {}) };
    await this.request('DELETE', objectPath(ref), { body });
  }

  /**
   * A watch's response, its body unread: `GET path?watch=true&…` on the shared connection, aborted by `signal`.
   * The body is a Node stream of newline-separated watch events (see kube/watch.ts).
   */
  async openWatch(path: string, query: Query, o: { accept?: string; signal: AbortSignal }): Promise<{ statusCode: number; body: Readable }> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    url.searchParams.set('watch', 'true');
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers = { ...(await this.#authHeaders()), accept: o.accept ?? 'application/json', 'user-agent': this.#userAgent };
    return (await this.#dispatcher()).request({ origin: url.origin, path: url.pathname + url.search, method: 'GET', headers, signal: o.signal });
  }

  /** The shared pool, or undici's global dispatcher when the kubeconfig needs no TLS settings of its own. */
  async #dispatcher(): Promise<Dispatcher> {
    return (await this.#connection.get()) ?? getGlobalDispatcher();
  }

  /** Headers are computed per request: tokens (projected service-account tokens, exec plugins) rotate. */
  async #authHeaders(): Promise<Record<string, string>> {
    const opts: { headers?: Record<string, string>; auth?: string } = {};
    await this.#kc.applyToHTTPSOptions(opts);
    const headers = { ...opts.headers };
    if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return headers;
  }
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
