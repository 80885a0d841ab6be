import { z } from "zod";

// Environment, validated once at boot: a misconfigured deploy fails loudly at start rather
// than on the first webhook.
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|libsql:|postgres(ql)?:)/, "DATABASE_URL must start with file:, libsql: or postgres:")
    .default("file:./prisma/kanta.db"),
  SHOPIFY_API_KEY: z.string().min(1).default("kanta-local-api-key"),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: z.string().url().default("http://localhost:3000"),
  SCOPES: z.string().default("read_customers,write_customers,read_orders,write_discounts,write_app_proxy"),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  // An empty value (REDIS_URL= in an env file) means unset.
  REDIS_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().url().optional()),
  // Set only by `npm run local` (scripts/local.mjs); refused when NODE_ENV=production.
  KANTA_LOCAL: z.enum(["0", "1"]).default("0"),
  KANTA_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${details}. See .env.example and README.md#configuration.`);
  }
  if (parsed.data.KANTA_LOCAL === "1" && parsed.data.NODE_ENV === "production") {
    throw new Error("KANTA_LOCAL=1 is refused with NODE_ENV=production: local mode is for development only.");
  }
  cached = parsed.data;
  return cached;
}

/**
 * Local mode: KANTA_LOCAL=1, and never in a production build. The Remix compiler replaces
 * `process.env.NODE_ENV` with the build's mode, so in the output of `npm run build` this is
 * false whatever the environment says at run time.
 */
export function isLocalMode(): boolean {
  return getEnv().KANTA_LOCAL === "1" && process.env.NODE_ENV !== "production";
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
