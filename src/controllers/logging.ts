import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** pino level name; default `info`. */
  readonly level?: string;
  /** Where lines go; default stdout. Tests pass a stream to read the lines back. */
  readonly destination?: DestinationStream;
}

/**
 * The operator's root logger: one JSON object per line, ISO timestamps and level names rather than numbers, so
 * `kubectl logs` stays readable and log pipelines need no pino-specific mapping.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A child logger whose every line names the controller. */
export const controllerLogger = (logger: Logger, controller: string): Logger => logger.child({ controller });

/** A child logger whose every line names the key being reconciled (on top of the controller, if the parent has it). */
export const keyLogger = (logger: Logger, key: string): Logger => logger.child({ key });
