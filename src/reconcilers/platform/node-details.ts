import type { V1Node } from '@kubernetes/client-node';
import { DETAILS_TIMING, planDetails, retryAfterMs, type DetailsEntry, type DetailsPlan, type DetailsTiming } from './node-details-plan.js';
import { trimNode } from './node-facts.js';

/** The two node reads the details need; main.ts answers them with KubeClient. */
export interface NodeDetailsReads {
  /** Every node, paged; `each` trims each item as its page arrives. */
  listNodes(each: (n: V1Node) => V1Node): Promise<readonly V1Node[]>;
  /** One node; undefined when it is gone. */
  readNode(name: string): Promise<V1Node | undefined>;
}

/** The nodes with their details merged in, and when to look again for nodes that had no addresses yet. */
export interface NodesWithDetails {
  readonly nodes: readonly V1Node[];
  readonly retryAfterMs?: number;
}

type Details = Pick<V1Node, 'spec' | 'status'>;

/**
 * The second source of node facts beside the metadata-only node informer: spec.providerID, status.addresses and the
 * kubelet port, read on demand (one paged list, or a GET per new node, as {@link planDetails} decides) and kept
 * trimmed. Heartbeats never reach it. Shared by every stack; concurrent callers wait for the one refresh in flight.
 */
export class NodeDetailsSource {
  #details = new Map<string, Details>();
  #entries = new Map<string, DetailsEntry>();
  /** By name, the metadata object last passed in (the informer's cached object). */
  #seen = new Map<string, V1Node>();
  #listedAt: number | undefined;
  #inFlight: Promise<void> | undefined;
  /** Bumped whenever a node's details change (kept, dropped, relisted): the merged list below is reused while it holds. */
  #version = 0;
  #last: { input: readonly V1Node[]; version: number; merged: readonly V1Node[]; quietUntil?: number } | undefined;

  constructor(
    private readonly reads: NodeDetailsReads,
    private readonly now: () => number,
    private readonly timing: DetailsTiming = DETAILS_TIMING,
  ) {}

  /**
   * `nodes` (metadata only, from the informer) with spec.providerID and status merged in, refreshed first if due.
   * While the informer hands back the same node objects and no details changed, the same merged array comes back
   * (identity): callers may reuse what they computed from it. At 5,000 nodes the merge and the summary of it were
   * most of an idle pass's JavaScript (a --cpu-prof of bench/nodes-ab.ts: 0.42 % of a core out of 1.54 %).
   */
  async withDetails(nodes: readonly V1Node[]): Promise<NodesWithDetails> {
    // The informer's list is the same array while its cache is unchanged (list-watch-loop.ts): then, until the next
    // full list is due and with no node waiting for its addresses, nothing below can come out differently, and the
    // five passes over 5,000 names it makes are skipped (a pass's largest share at 5,000 nodes, 2026-12-07 profile).
    const last0 = this.#last;
    if (last0?.quietUntil !== undefined && nodes === last0.input && last0.version === this.#version && !this.#inFlight && this.now() < last0.quietUntil) {
      return { nodes: last0.merged };
    }
    const names = nodes.map((n) => n.metadata?.name ?? '');
    this.#forgetChanged(nodes);
    await this.#refresh(names);
    if (this.#entries.size > nodes.length || names.some((n) => !this.#entries.has(n))) {
      const live = new Set(names);
      for (const name of [...this.#entries.keys()]) {
        if (live.has(name)) continue;
        this.#entries.delete(name);
        this.#details.delete(name);
        this.#version++;
      }
    }
    const last = this.#last;
    const same = last !== undefined && last.version === this.#version && last.input.length === nodes.length && nodes.every((n, i) => n === last.input[i]);
    const merged = same ? last.merged : nodes.map((n) => {
      const d = this.#details.get(n.metadata?.name ?? '');
      return d ? { ...n, ...(d.spec ? { spec: d.spec } : {}), ...(d.status ? { status: d.status } : {}) } : n;
    });
    const retry = retryAfterMs({ listedAt: this.#listedAt, entries: this.#entries }, names, this.now(), this.timing);
    // Quiet only when every node has its details: a node the list left out (an older snapshot) is read next pass.
    const listedAt = this.#listedAt;
    const complete = retry === undefined && listedAt !== undefined && names.every((n) => this.#entries.has(n));
    const quiet = complete ? { quietUntil: listedAt + this.timing.maxAgeMs } : {};
    this.#last = { input: nodes, version: this.#version, merged, ...quiet };
    return { nodes: merged, ...(retry !== undefined ? { retryAfterMs: Math.max(1_000, retry) } : {}) };
  }

  /**
   * A node whose cached metadata object is not the one seen last changed in what the informer keeps (a heartbeat
   * leaves it as it was: informers.ts): its labels, or its uid when it was replaced under the same name. Its details
   * are read again, so what a cloud controller sets together with the zone labels (spec.providerID, its addresses)
   * is not left to the hourly list when the node was first read before that.
   */
  #forgetChanged(nodes: readonly V1Node[]): void {
    if (this.#seen.size > nodes.length) this.#seen.clear(); // nodes deleted: start afresh (every node is then unseen, not changed)
    for (const n of nodes) {
      const name = n.metadata?.name ?? '';
      const seen = this.#seen.get(name);
      if (seen === n) continue;
      if (seen !== undefined) this.#entries.delete(name);
      this.#seen.set(name, n);
    }
  }

  async #refresh(names: readonly string[]): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
    const plan = planDetails({ listedAt: this.#listedAt, entries: this.#entries }, names, this.now(), this.timing);
    if (plan.kind === 'none') return;
    this.#inFlight = this.#fetch(plan).finally(() => (this.#inFlight = undefined));
    await this.#inFlight;
  }

  async #fetch(plan: Exclude<DetailsPlan, { kind: 'none' }>): Promise<void> {
    if (plan.kind === 'list') {
      const at = this.now();
      const listed = await this.reads.listNodes(trimNode);
      this.#details = new Map();
      this.#entries = new Map();
      for (const n of listed) this.#keep(n.metadata?.name ?? '', n, at);
      this.#listedAt = at;
      this.#version++;
      return;
    }
    await Promise.all(plan.names.map(async (name) => {
      const at = this.now();
      const n = await this.reads.readNode(name);
      this.#keep(name, n ? trimNode(n) : undefined, at);
    }));
  }

  #keep(name: string, trimmed: V1Node | undefined, at: number): void {
    this.#version++;
    // A node gone by the time it was read is complete: the metadata cache drops it, and its entry with it.
    this.#entries.set(name, { readAt: at, complete: !trimmed || (trimmed.status?.addresses?.length ?? 0) > 0 });
    if (trimmed) this.#details.set(name, { ...(trimmed.spec ? { spec: trimmed.spec } : {}), ...(trimmed.status ? { status: trimmed.status } : {}) });
    else this.#details.delete(name);
  }
}
