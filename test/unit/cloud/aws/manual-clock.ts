/** A clock that moves only when told to; all the TTL cache needs is now(). */
export class ManualClock {
  constructor(public t = Date.UTC(2026, 0, 1)) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}
