// A small fixed-window rate limiter kept in process memory: enough to stop a script
// hammering the redeem endpoint from one storefront session. Pure apart from its Map.

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    /** Attempts allowed per window (a function, so configuration can change at run time). */
    private readonly limit: () => number,
    private readonly windowMs: number,
  ) {}

  /** Counts one attempt; returns 0 if allowed, else the milliseconds until it would be. */
  hit(key: string, now = Date.now()): number {
    const current = this.windows.get(key);
    if (!current || now - current.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      if (this.windows.size > 10_000) this.prune(now);
      return 0;
    }
    current.count++;
    return current.count <= this.limit() ? 0 : current.start + this.windowMs - now;
  }

  private prune(now: number) {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
