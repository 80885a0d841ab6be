import { Redis } from "ioredis";
import { getEnv } from "../env.server";
import { log } from "../log.server";
import { RateLimiter } from "../loyalty/storefront/rate-limit";

// Storefront rate limits, shared by every process of a deployment when REDIS_URL is set:
// one fixed window per key in Redis (INCR and PEXPIRE in one Lua script, so a crash between
// the two cannot leave a key without expiry). Without Redis, or while Redis does not
// answer, each process counts in its own memory (RateLimiter): limits stay on, per process.
// docs/decisions/0013-abuse-limits.md

const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type LimiterRedis = Redis & { kantaRateHit(key: string, windowMs: number): Promise<[number, number]> };

let shared: { url: string; client: LimiterRedis; firstAttemptOver: boolean } | undefined;
let lastWarning = 0;

function redisFor(url: string): LimiterRedis {
  if (shared?.url === url) return shared.client;
  shared?.client.disconnect();
  // No offline queue and one attempt per command: a limit check never waits for Redis.
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 500,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  }) as LimiterRedis;
  client.defineCommand("kantaRateHit", { numberOfKeys: 1, lua: SCRIPT });
  // Connection errors are reported by the fallback below (at most once a minute).
  client.on("error", () => undefined);
  const entry = { url, client, firstAttemptOver: false };
  // Only the first connection is waited for; later, a Redis that is down is not waited on.
  for (const event of ["ready", "error", "close"]) client.once(event, () => (entry.firstAttemptOver = true));
  shared = entry;
  lastWarning = 0;
  return client;
}

/** Resolves once the connection is up, or rejects after `ms` (a limit check waits no longer). */
function whenReady(client: Redis, ms: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  if (shared?.client === client && shared.firstAttemptOver) return Promise.reject(new Error(`Redis is ${client.status}`));
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      client.off("ready", onReady);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const timer = setTimeout(() => done(new Error(`Redis not ready (${client.status}) within ${ms} ms`)), ms);
    client.once("ready", onReady);
  });
}

/** Closes the shared connection (tests, shutdown). */
export async function closeRateLimitRedis(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await current.client.quit().catch(() => current.client.disconnect());
}

export class SharedRateLimiter {
  private readonly memory: RateLimiter;

  constructor(
    /** Names the limit in Redis keys: two limiters with one name share their counts. */
    private readonly name: string,
    private readonly limit: () => number,
    private readonly windowMs: number,
  ) {
    this.memory = new RateLimiter(limit, windowMs);
  }

  /** Counts one attempt; resolves 0 if allowed, else the milliseconds until it would be. */
  async hit(key: string): Promise<number> {
    const env = getEnv();
    if (!env.REDIS_URL) return this.memory.hit(key);
    try {
      const client = redisFor(env.REDIS_URL);
      await whenReady(client, 500);
      const [count, ttl] = await client.kantaRateHit(`${env.KANTA_QUEUE_PREFIX}:rate:${this.name}:${key}`, this.windowMs);
      return count <= this.limit() ? 0 : Math.max(1, Number(ttl));
    } catch (error) {
      const now = Date.now();
      if (now - lastWarning > 60_000) {
        lastWarning = now;
        log.warn("rate limits fall back to process memory: Redis did not answer", { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      }
      return this.memory.hit(key);
    }
  }
}
