import { afterEach, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { getJobRunner, stopJobRunner } from "../../app/jobs/queue.server";
import { log } from "../../app/log.server";
import { pgAdminUrl } from "../db-urls";
import { useTestDatabase } from "../db";
import { balances, burstOrders, createFaultShop, eventStatuses, ledgerSums, oracleBalances, sendOrder, sendUntilAcknowledged, waitUntil } from "../faults";
import { useTestServer } from "../http";

// PostgreSQL going away during a burst of orders (issue #11, "Faults to survive"). The
// shared cluster is never stopped: this file's own database refuses new connections
// (ALLOW_CONNECTIONS false) and every open one is dropped (pg_terminate_backend), which is
// what the app sees of a restart. Webhooks that arrive meanwhile get a 5xx (Shopify retries
// them); events acknowledged before are processed once the database is back; every balance
// equals the oracle and the ledger. PostgreSQL only (tests/vitest.config.ts).
// docs/decisions/0014-faults.md

const { db } = useTestDatabase();
const { server } = useTestServer();
afterEach(() => vi.restoreAllMocks());

const databaseName = () => new URL(process.env.DATABASE_URL!).pathname.slice(1);

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgAdminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function takeDatabaseDown(): Promise<number> {
  return admin(async (c) => {
    await c.query(`ALTER DATABASE ${databaseName()} ALLOW_CONNECTIONS false`);
    const dropped = await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [databaseName()]);
    return dropped.rowCount ?? 0;
  });
}

async function bringDatabaseBack(): Promise<void> {
  await admin((c) => c.query(`ALTER DATABASE ${databaseName()} ALLOW_CONNECTIONS true`));
}

describe("PostgreSQL dropping every connection during a burst", () => {
  it("answers 5xx while it is down, processes every acknowledged event once it is back, and every balance equals the oracle", async () => {
    // Errors the app logs while its database is gone are expected; anything else is not.
    const errors: string[] = [];
    vi.spyOn(log, "error").mockImplementation((message, fields) => void errors.push(`${message} ${JSON.stringify(fields ?? {})}`));
    await stopJobRunner();
    getJobRunner(); // the in-process runner, 8 at a time on PostgreSQL
    const shop = await createFaultShop(db());
    const orders = burstOrders(60, 8);
    const [before, during, after] = [orders.slice(0, 25), orders.slice(25, 40), orders.slice(40)];

    // A burst, and the database goes while it is being processed.
    const acknowledged = await Promise.all(before.map((o) => sendOrder(server().url, shop.domain, o)));
    expect(acknowledged.every((s) => s === 200)).toBe(true);
    expect(await takeDatabaseDown()).toBeGreaterThan(0);

    // Requests while it is down: 5xx, never a 200 for an event that was not stored.
    const whileDown = await Promise.all(during.map((o) => sendOrder(server().url, shop.domain, o)));
    expect(whileDown.filter((s) => s < 500)).toEqual([]);

    await bringDatabaseBack();
    // Shopify retries what got no 2xx; the rest of the burst arrives.
    await Promise.all([...during, ...after].map((o) => sendUntilAcknowledged(server().url, shop.domain, o)));
    await waitUntil("every event processed", async () => (await eventStatuses(db(), shop.domain)).done === orders.length);
    expect(await eventStatuses(db(), shop.domain)).toEqual({ done: orders.length });

    const oracle = await oracleBalances(db(), orders);
    expect(Object.keys(oracle)).toHaveLength(8);
    expect(await balances(db(), shop.id)).toEqual(oracle);
    expect(await ledgerSums(db(), shop.id)).toEqual(oracle);
    expect(await db().orderRecord.count({ where: { shopId: shop.id } })).toBe(orders.length);
    // What was logged was the database going away, nothing else.
    expect(errors.filter((e) => !/terminat|connect|Connection|ECONN|database|57P01|P1001|P1017|P2028|closed/i.test(e))).toEqual([]);
    // Connections cut inside transactions went back to the pool: it still closes (afterAll's $disconnect).
  });
});
