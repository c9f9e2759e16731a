import type { Logger } from 'pino';
import type { Manager } from './manager.js';

/** SIGTERM (the kubelet stopping the pod) or SIGINT: a graceful {@link Manager.stop}. */
export function stopOnSignals(manager: Pick<Manager, 'stop'>, logger: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping');
      void manager.stop();
    });
  }
}
