import { z } from "zod";

// Environment, validated at boot (entry.server.tsx and the worker call getEnv first): a
// misconfigured deploy fails loudly at start, naming the variable, rather than on the first
// webhook. Code in app/ reads configuration only through getEnv(). README.md#configuration
// lists every variable; keep the two in step.

/** An empty value (REDIS_URL= in an env file) means unset. */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema);
/** "0" or "1", nothing else: KANTA_WORKER=maybe is a mistake to report, not a guess to make. */
const flag = z.enum(["0", "1"], { error: 'must be "0" or "1"' });
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

const fields = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|libsql:|postgres(ql)?:)/, "DATABASE_URL must start with file:, libsql: or postgres:")
    .default("file:./prisma/kanta.db"),
  SHOPIFY_API_KEY: z.string().min(1).default("kanta-local-api-key"),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: z.string().url().default("http://localhost:3000"),
  SCOPES: z.string().default("read_customers,write_customers,read_orders,write_discounts,write_app_proxy,read_store_credit_accounts,read_store_credit_account_transactions,write_store_credit_account_transactions,read_products"),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  // `npm start` and `npm run local` listen here (scripts/start.mjs, scripts/local.mjs read
  // them before the app loads; they are validated here when it does).
  PORT: unsetIfEmpty(wholeNumber(1, 65_535).default(3000)),
  HOST: unsetIfEmpty(z.string().default("0.0.0.0")),
  REDIS_URL: unsetIfEmpty(z.string().url().optional()),
  KANTA_QUEUE_PREFIX: unsetIfEmpty(z.string().regex(/^\S+$/, "must be one word, no spaces").default("kanta")),
  // With REDIS_URL: "0" makes this process only enqueue (a web process beside `npm run worker`).
  KANTA_WORKER: unsetIfEmpty(flag.default("1")),
  // `npm run worker`'s CPU niceness (0-19, default 10): on a host it shares with web
  // processes, acknowledgements get the CPU first and processing what is left (0045).
  KANTA_WORKER_NICE: unsetIfEmpty(wholeNumber(0, 19).default(10)),
  // Background tier passes and Shopify sync, and the app-data metafield sync: on unless
  // "0", but off under NODE_ENV=test unless "1" (tests call them directly).
  KANTA_TIER_JOBS: unsetIfEmpty(flag.optional()),
  KANTA_APP_DATA_JOBS: unsetIfEmpty(flag.optional()),
  // The daily reconciliation (app/loyalty/reconcile): on unless "0", off under NODE_ENV=test unless "1".
  KANTA_RECONCILE_JOBS: unsetIfEmpty(flag.optional()),
  KANTA_IMPORT_JOBS: unsetIfEmpty(flag.optional()),
  // GET /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset: 404.
  METRICS_TOKEN: unsetIfEmpty(z.string().min(16, "must be at least 16 characters").optional()),
  // Set only by `npm run local` (scripts/local.mjs); refused when NODE_ENV=production.
  KANTA_LOCAL: unsetIfEmpty(flag.default("0")),
  // Default "info", "warn" under NODE_ENV=test.
  KANTA_LOG_LEVEL: unsetIfEmpty(z.enum(LOG_LEVELS).optional()),
  KANTA_CONFIG_CACHE_MS: unsetIfEmpty(wholeNumber(0).default(2000)),
  // "0": no named prepared statements on PostgreSQL (behind a pooler in transaction mode that keeps none).
  KANTA_PG_PREPARED: unsetIfEmpty(flag.default("1")),
  // Storefront requests per minute, per shopper (or visitor) and endpoint.
  KANTA_REDEEM_RATE_LIMIT: unsetIfEmpty(wholeNumber(1).default(10)),
  KANTA_ACTION_RATE_LIMIT: unsetIfEmpty(wholeNumber(1).default(20)),
  KANTA_REFERRAL_RATE_LIMIT: unsetIfEmpty(wholeNumber(1).default(30)),
  KANTA_REFERRAL_VISIT_RATE_LIMIT: unsetIfEmpty(wholeNumber(1).default(300)),
  KANTA_REFERRAL_CLAIM_RATE_LIMIT: unsetIfEmpty(wholeNumber(1).default(10)),
  // GET /customer (the widget's read) per signed-in customer per minute; guests share 100 times that per shop.
  KANTA_CUSTOMER_RATE_LIMIT: unsetIfEmpty(wholeNumber(1).default(60)),
  // Tests only: where Kanta sends Klaviyo events instead of https://a.klaviyo.com (a local
  // listener); refused with NODE_ENV=production.
  KANTA_KLAVIYO_BASE_URL: unsetIfEmpty(z.string().url().regex(/^https?:\/\//, "must be an http(s) URL").optional()),
  // Loyalty emails (app/loyalty/notify, app/jobs/email-job.server.ts): smtp:// or smtps://
  // (user:password@host:port); unset: no email is sent and deliveries wait. `npm run local`
  // points it at its own SMTP catcher.
  SMTP_URL: unsetIfEmpty(z.string().regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL").optional()),
  // The From address (on the operator's domain); the shop's sender name goes in front of it.
  MAIL_FROM: unsetIfEmpty(z.string().email("must be an email address").default("loyalty@kanta.invalid")),
  // Emails per shop per hour; more wait for the next hour (never dropped).
  MAIL_HOURLY_CAP: unsetIfEmpty(wholeNumber(1).default(1000)),
  // Shared secret of the bounce/complaint webhook (POST /email/events): unset, it answers 404.
  MAIL_EVENTS_SECRET: unsetIfEmpty(z.string().min(16, "must be at least 16 characters").optional()),
  // The email job: on unless "0", off under NODE_ENV=test unless "1" (tests call it directly).
  KANTA_EMAIL_JOBS: unsetIfEmpty(flag.optional()),
};

const schema = z.object(fields).transform((env) => {
  const test = env.NODE_ENV === "test";
  return {
    ...env,
    KANTA_TIER_JOBS: env.KANTA_TIER_JOBS ?? (test ? "0" : "1"),
    KANTA_APP_DATA_JOBS: env.KANTA_APP_DATA_JOBS ?? (test ? "0" : "1"),
    KANTA_RECONCILE_JOBS: env.KANTA_RECONCILE_JOBS ?? (test ? "0" : "1"),
    KANTA_IMPORT_JOBS: env.KANTA_IMPORT_JOBS ?? (test ? "0" : "1"),
    KANTA_EMAIL_JOBS: env.KANTA_EMAIL_JOBS ?? (test ? "0" : "1"),
    KANTA_LOG_LEVEL: env.KANTA_LOG_LEVEL ?? (test ? "warn" : "info"),
  };
});

export type Env = z.output<typeof schema>;
export type LogLevel = Env["KANTA_LOG_LEVEL"];

/** Every variable getEnv() reads (README.md#configuration lists each). */
export const ENV_VARIABLES = Object.keys(fields) as readonly (keyof typeof fields)[];

/** The variables' raw values as one string: what a cached Env was parsed from. */
function rawValues(names: readonly string[]): string {
  return names.map((name) => process.env[name] ?? "\u0001").join("\u0000");
}

let cached: { raw: string; env: Env } | undefined;

/**
 * The validated environment. Parsed once and again only when a variable changed (tests
 * set them between cases; the worker sets KANTA_WORKER), so a cached value is never stale.
 */
export function getEnv(): Env {
  const raw = rawValues(ENV_VARIABLES);
  if (cached?.raw === raw) return cached.env;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${details}. See .env.example and README.md#configuration.`);
  }
  if (parsed.data.KANTA_LOCAL === "1" && parsed.data.NODE_ENV === "production") {
    throw new Error("KANTA_LOCAL=1 is refused with NODE_ENV=production: local mode is for development only.");
  }
  if (parsed.data.KANTA_KLAVIYO_BASE_URL && parsed.data.NODE_ENV === "production") {
    throw new Error("KANTA_KLAVIYO_BASE_URL is for tests only and is refused with NODE_ENV=production.");
  }
  cached = { raw, env: parsed.data };
  return parsed.data;
}

/**
 * Local mode: KANTA_LOCAL=1, and never in a production build. The Remix compiler replaces
 * `process.env.NODE_ENV` with the build's mode, so in the output of `npm run build` this is
 * false whatever the environment says at run time.
 */
export function isLocalMode(): boolean {
  return getEnv().KANTA_LOCAL === "1" && process.env.NODE_ENV !== "production";
}

const logLevelSchema = z.object({ NODE_ENV: fields.NODE_ENV, KANTA_LOG_LEVEL: fields.KANTA_LOG_LEVEL });
let cachedLogLevel: { raw: string; level: LogLevel } | undefined;

/**
 * KANTA_LOG_LEVEL alone, for the logger: it must work before and without the rest of the
 * environment (it is what reports an invalid one). An invalid level logs at "info" here;
 * getEnv() at boot refuses it.
 */
export function getLogLevel(): LogLevel {
  const raw = rawValues(["NODE_ENV", "KANTA_LOG_LEVEL"]);
  if (cachedLogLevel?.raw === raw) return cachedLogLevel.level;
  const parsed = logLevelSchema.safeParse(process.env);
  const level = parsed.success ? (parsed.data.KANTA_LOG_LEVEL ?? (parsed.data.NODE_ENV === "test" ? "warn" : "info")) : "info";
  cachedLogLevel = { raw, level };
  return level;
}

/** Forgets the parsed environment. getEnv() notices changed variables itself; kept for tests that want a clean start. */
export function resetEnvCache(): void {
  cached = undefined;
  cachedLogLevel = undefined;
}
