/** One decided flag, as recorded in status.metricsServer.flags; boolean flags have value `true` or `false`. */
export interface FlagChoice {
  readonly flag: string;
  readonly value: string;
  /** One sentence the user reads in status: why the flag is what it is. */
  readonly reason: string;
}
