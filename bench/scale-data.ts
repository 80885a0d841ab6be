// The data of bench/accrual-scale.ts: a shop's members, ledger rows, orders, facts,
// redemptions and referrals generated with set-based SQL (generate_series), so that 20,000,000
// ledger rows take minutes. Each member's cached balances equal the sums of its rows.
import pg from "pg";

export interface Shape {
  CUSTOMER_BASE: bigint;
  LEDGER_PER_MEMBER: number;
  ORDERS_PER_MEMBER: number;
  log: (msg: string) => void;
}

const CHUNK = 1_000_000;
const fmt = (n: number) => n.toLocaleString("en-US");

// ---------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------

export interface Spec {
  members: number;
  /** customer number of member i: BASE + i × step */
  step: number;
}

/**
 * Fills a migrated database holding the bench shop: spec.members members, LEDGER_PER_MEMBER
 * ledger rows and ORDERS_PER_MEMBER orders each (set-based SQL, in chunks of CHUNK members). A member's history depends only on its
 * customer number s, so the bench members have the same history in both databases.
 */
export async function generate(url: string, shopId: string, spec: Spec, shape: Shape): Promise<number> {
  const { CUSTOMER_BASE, LEDGER_PER_MEMBER, ORDERS_PER_MEMBER, log } = shape;
  const started = performance.now();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("SET synchronous_commit = off");
    await c.query("SET maintenance_work_mem = '512MB'");
    await c.query("SET work_mem = '64MB'");
    // No foreign-key triggers during the load (the rows are generated consistent).
    await c.query("SET session_replication_role = replica");
    const K = LEDGER_PER_MEMBER;
    // The kind and delta of round r of the member with customer number s. Immutable SQL
    // functions: inlined by the planner.
    await c.query(`CREATE OR REPLACE FUNCTION bench_kind(r int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN r = 0 THEN 'signup_bonus' WHEN r % 5 = 4 THEN 'redeemed' WHEN r % 7 = 6 THEN 'manual_adjustment'
                  WHEN r % 11 = 10 THEN 'expired' ELSE 'order_earned' END $$`);
    await c.query(`CREATE OR REPLACE FUNCTION bench_delta(s bigint, r int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN r = 0 THEN 100 WHEN r % 5 = 4 THEN -50 WHEN r % 7 = 6 THEN 10
                  WHEN r % 11 = 10 THEN -5 ELSE 20 + ((s * 31 + r * 17) % 200)::int END $$`);
    const tiers = (await c.query(`SELECT id FROM "Tier" WHERE "shopId" = $1 ORDER BY rank`, [shopId])).rows.map((r) => r.id as string);
    const tierExpr = tiers.length
      ? `(ARRAY[${tiers.map((t) => `'${t}'`).join(",")}])[1 + LEAST(${tiers.length - 1}, CASE WHEN s % 10 < 6 THEN 0 WHEN s % 10 < 9 THEN 1 ELSE 2 END)]`
      : "NULL";

    // Secondary indexes off during the load, rebuilt afterwards (same definitions).
    const tables = ["Member", "LedgerEntry", "OrderRecord", "OrderFact", "Redemption", "Referral"];
    const indexes = (
      await c.query(
        `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
        [tables],
      )
    ).rows as { indexname: string; indexdef: string }[];
    for (const ix of indexes) await c.query(`DROP INDEX "${ix.indexname}"`);

    const now = "TIMESTAMP '2026-12-01 12:00:00'";
    // Members.
    for (let lo = 0; lo < spec.members; lo += CHUNK) {
      const hi = Math.min(spec.members, lo + CHUNK) - 1;
      await c.query(
        `INSERT INTO "Member" (id, "shopId", "customerGid", email, "firstName", points, "pendingPoints", "lifetimePoints", "tierId",
                               "enrolledAt", "lastActivityAt", "lastOrderAt", "createdAt", "updatedAt")
         SELECT 'm' || lpad(i::text, 10, '0'), $1, 'gid://shopify/Customer/' || ($2::numeric + s), 'c' || s || '@example.com', 'Member',
                b.points, 0, b.lifetime, ${tierExpr},
                ${now} - make_interval(days => 730) + make_interval(secs => s % 86400), ${now} - make_interval(secs => s % 8640000),
                ${ORDERS_PER_MEMBER ? `${now} - make_interval(secs => s % 8640000)` : "NULL"},
                ${now} - make_interval(days => 730) + make_interval(secs => s % 86400), ${now}
         FROM generate_series($3::bigint, $4::bigint) AS i, LATERAL (SELECT i * $5::bigint AS s) AS x,
              LATERAL (SELECT COALESCE(sum(bench_delta(s, r)), 0)::int AS points,
                              COALESCE(sum(bench_delta(s, r)) FILTER (WHERE bench_kind(r) IN ('signup_bonus', 'order_earned', 'manual_adjustment')), 0)::int AS lifetime
                       FROM generate_series(0, ${K - 1}) AS r) AS b`,
        [shopId, CUSTOMER_BASE.toString(), lo, hi, spec.step],
      );
      log(`members ${fmt(hi + 1)} / ${fmt(spec.members)}`);
    }
    // Ledger rows: row j belongs to member j % M, round j / M (a member's rows spread over the table).
    const M = spec.members;
    const ledgerRows = M * K;
    for (let lo = 0; lo < ledgerRows; lo += CHUNK) {
      const hi = Math.min(ledgerRows, lo + CHUNK) - 1;
      await c.query(
        `INSERT INTO "LedgerEntry" (id, "shopId", "memberId", delta, "pendingDelta", kind, "idempotencyKey", "sourceGid", "createdAt")
         SELECT 'l' || lpad(j::text, 12, '0'), $1, 'm' || lpad(m::text, 10, '0'), bench_delta(s, r), 0, bench_kind(r),
                bench_kind(r) || ':gid://shopify/Order/' || (8000000000000 + j),
                CASE WHEN bench_kind(r) = 'order_earned' THEN 'gid://shopify/Order/' || (8000000000000 + j) END,
                ${now} - make_interval(days => ${K} * 30 - r * 30) + make_interval(secs => s % 86400)
         FROM generate_series($2::bigint, $3::bigint) AS j,
              LATERAL (SELECT j % ${M} AS m, (j / ${M})::int AS r) AS x, LATERAL (SELECT m * $4::bigint AS s) AS y`,
        [shopId, lo, hi, spec.step],
      );
      log(`ledger ${fmt(hi + 1)} / ${fmt(ledgerRows)}`);
    }
    // Orders (OrderRecord + OrderFact): order j of member j % M, round q = j / M.
    const orderRows = M * ORDERS_PER_MEMBER;
    for (let lo = 0; lo < orderRows; lo += CHUNK) {
      const hi = Math.min(orderRows, lo + CHUNK) - 1;
      const from = `FROM generate_series($2::bigint, $3::bigint) AS j,
              LATERAL (SELECT j % ${M} AS m, (j / ${M})::int AS q) AS x, LATERAL (SELECT m * $4::bigint AS s) AS y,
              LATERAL (SELECT ${now} - make_interval(days => (${ORDERS_PER_MEMBER} - q) * 150) + make_interval(secs => s % 8640000) AS at,
                              (2000 + (s * 7 + q * 13) % 20000)::bigint AS gross) AS z`;
      await c.query(
        `INSERT INTO "OrderRecord" (id, "shopId", "orderGid", "memberId", "customerGid", name, "currencyCode", "stateUpdatedAt", paid,
                                    "processedAt", "grossMinor", "eligibleMinor", "orderTotalMinor", "earnPoints", "earnSpendMinor",
                                    "multiplierPermille", "pointsTarget", "pointsCredited", "createdAt", "updatedAt")
         SELECT 'o' || lpad(j::text, 12, '0'), $1, 'gid://shopify/Order/' || (7000000000000 + j), 'm' || lpad(m::text, 10, '0'),
                'gid://shopify/Customer/' || (${CUSTOMER_BASE}::numeric + s), '#' || (1000 + j), 'EUR', at, true,
                at, gross, gross, gross, 1, 100, 1000, (gross / 100)::int, (gross / 100)::int, at, at
         ${from}`,
        [shopId, lo, hi, spec.step],
      );
      await c.query(
        `INSERT INTO "OrderFact" (id, "shopId", "orderGid", "customerGid", member, "tierId", day, "processedAt", counted, "grossMinor",
                                  "netMinor", repeat, "updatedAt")
         SELECT 'f' || lpad(j::text, 12, '0'), $1, 'gid://shopify/Order/' || (7000000000000 + j),
                'gid://shopify/Customer/' || (${CUSTOMER_BASE}::numeric + s), true, NULL, to_char(at, 'YYYY-MM-DD'), at, true, gross, gross,
                q > 0, at
         ${from}`,
        [shopId, lo, hi, spec.step],
      );
      log(`orders ${fmt(hi + 1)} / ${fmt(orderRows)}`);
    }
    // Redemptions: one per "redeemed" ledger row (every 5th round), used on the member's orders
    // when it has one; referrals: every 20th member referred the next customer number (never
    // a bench member), whose first order paid.
    const redeemed = Array.from({ length: K }, (_, r) => r).filter((r) => r !== 0 && r % 5 === 4).length;
    const redemptionRows = M * redeemed;
    for (let lo = 0; lo < redemptionRows; lo += CHUNK) {
      const hi = Math.min(redemptionRows, lo + CHUNK) - 1;
      await c.query(
        `INSERT INTO "Redemption" (id, "shopId", "memberId", "requestId", "rewardName", "pointsSpent", status, code, "usedOrderGid", "createdAt", "updatedAt")
         SELECT 'r' || lpad(j::text, 12, '0'), $1, 'm' || lpad(m::text, 10, '0'), 'req-' || j, '5 € off', 50,
                CASE WHEN q < ${ORDERS_PER_MEMBER} THEN 'used' ELSE 'issued' END, 'KANTA-' || upper(md5(j::text)),
                CASE WHEN q < ${ORDERS_PER_MEMBER} THEN 'gid://shopify/Order/' || (7000000000000 + q::bigint * ${M} + m) END,
                ${now} - make_interval(days => 400 - q * 60), ${now} - make_interval(days => 400 - q * 60)
         FROM generate_series($2::bigint, $3::bigint) AS j, LATERAL (SELECT j % ${M} AS m, (j / ${M})::int AS q) AS x`,
        [shopId, lo, hi],
      );
      log(`redemptions ${fmt(hi + 1)} / ${fmt(redemptionRows)}`);
    }
    if (ORDERS_PER_MEMBER > 0) {
      await c.query(
        `INSERT INTO "Referral" (id, "shopId", "referrerId", code, "visitorToken", "friendCustomerGid", "friendEmail", "orderGid", "createdAt", "updatedAt")
         SELECT 'x' || lpad(m::text, 10, '0'), $1, 'm' || lpad(m::text, 10, '0'), 'REF' || m, 'vt-' || m,
                'gid://shopify/Customer/' || (${CUSTOMER_BASE}::numeric + m * $3::bigint + 1), 'c' || (m * $3::bigint + 1) || '@example.com',
                'gid://shopify/Order/' || (6000000000000 + m), ${now} - make_interval(days => 500), ${now} - make_interval(days => 500)
         FROM generate_series(0, $2::bigint - 2, 20) AS m`,
        [shopId, M, spec.step],
      );
      log(`referrals ${fmt(Math.ceil((M - 1) / 20))}`);
    }
    for (const ix of indexes) {
      const t0 = performance.now();
      await c.query(ix.indexdef);
      log(`index ${ix.indexname} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    await c.query("DROP FUNCTION bench_kind(int)");
    await c.query("DROP FUNCTION bench_delta(bigint, int)");
    await c.query("SET session_replication_role = origin");
    await c.query("VACUUM (ANALYZE)");
    log("vacuum analyze done");
  } finally {
    await c.end();
  }
  return (performance.now() - started) / 1000;
}

/** A migrated database with the bench shop (live, every tier 1×). */
