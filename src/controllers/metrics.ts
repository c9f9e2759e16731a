import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReconcileObserver, ReconcileOutcome } from './reconcile-handler.js';
import type { QueueObserver } from './workqueue.js';

const outcomes: readonly ReconcileOutcome[] = ['success', 'requeue', 'error', 'terminal'];

/** Options for {@link OperatorMetrics}. */
export interface OperatorMetricsOptions {
  /** Default: a fresh registry. Never the global one, so tests and bundles cannot register twice. */
  readonly registry?: Registry;
  /** Process and Node.js runtime metrics (memory, event loop lag, GC). Default true. */
  readonly defaultMetrics?: boolean;
}

/** The operator's Prometheus metrics on their own registry, served by the health server at `/metrics`. */
export class OperatorMetrics {
  readonly registry: Registry;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly queueDepth: Gauge<'controller'>;
  readonly queueRetries: Counter<'controller'>;
  readonly leader: Gauge;
  readonly awsCalls: Counter<'operation'>;
  readonly hpaFindings: Gauge<'namespace' | 'hpa' | 'cause'>;

  constructor(options: OperatorMetricsOptions = {}) {
    const registers = [(this.registry = options.registry ?? new Registry())];
    this.reconcileTotal = new Counter({
      name: 'metricsstack_reconcile_total',
      help: 'Reconciles by controller and result (success, requeue, error, terminal).',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'metricsstack_reconcile_duration_seconds',
      help: 'Time one reconcile took, including its API and AWS calls.',
      labelNames: ['controller'],
      // Reconciles wait on API round trips and AWS calls: milliseconds when nothing changed, tens of seconds at worst.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'metricsstack_reconcile_errors_total',
      help: 'Reconciles that failed, retried or terminal.',
      labelNames: ['controller'],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'metricsstack_workqueue_depth',
      help: 'Keys waiting in the work queue.',
      labelNames: ['controller'],
      registers,
    });
    this.queueRetries = new Counter({
      name: 'metricsstack_workqueue_retries_total',
      help: 'Keys re-queued with backoff after a failed reconcile.',
      labelNames: ['controller'],
      registers,
    });
    this.leader = new Gauge({
      name: 'metricsstack_leader',
      help: '1 while this replica holds the leader lease (or runs without leader election), else 0.',
      registers,
    });
    this.awsCalls = new Counter({
      name: 'metricsstack_aws_calls_total',
      help: 'AWS operations sent (cache misses and writes), by IAM action name, e.g. eks:DescribeCluster. Flat in steady state.',
      labelNames: ['operation'],
      registers,
    });
    this.hpaFindings = new Gauge({
      name: 'metricsstack_hpa_finding',
      help: '1 for each HPA and cause the HPA doctor finds (root cause and the rest); series vanish when fixed.',
      labelNames: ['namespace', 'hpa', 'cause'],
      registers,
    });
    // The event-loop-delay monitor samples on a timer: an idle bare node process (Node 24, the image's flags, 120 s)
    // used 0.466 % of a core with it at prom-client's default 10 ms, 0.055 % at 100 ms, 0.007 % at 1 s and 0.001 %
    // without it. A delay shorter than the resolution still shows (each tick measures how late it fired).
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 1000 });
  }

  /** Feeds the reconcile metrics of `controller`. Creates every series at 0 so rates work from the first scrape. */
  reconcileObserver(controller: string): ReconcileObserver {
    for (const result of outcomes) this.reconcileTotal.inc({ controller, result }, 0);
    this.reconcileErrors.inc({ controller }, 0);
    return {
      observe: (outcome, durationSeconds) => {
        this.reconcileTotal.inc({ controller, result: outcome });
        this.reconcileDuration.observe({ controller }, durationSeconds);
        if (outcome === 'error' || outcome === 'terminal') this.reconcileErrors.inc({ controller });
      },
    };
  }

  /** Feeds the work-queue metrics of `controller`. */
  queueObserver(controller: string): QueueObserver {
    this.queueDepth.set({ controller }, 0);
    this.queueRetries.inc({ controller }, 0);
    return {
      depth: (waiting) => this.queueDepth.set({ controller }, waiting),
      retry: () => this.queueRetries.inc({ controller }),
    };
  }

  /** Records whether this replica leads. */
  setLeader(leading: boolean): void {
    this.leader.set(leading ? 1 : 0);
  }
}
