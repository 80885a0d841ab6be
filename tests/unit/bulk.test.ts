import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEmulator, type AdminEmulator } from "../../app/local/emulator.server";
import { resetEnvCache } from "../../app/env.server";
import { localAdminGraphql } from "../../app/shopify/admin.server";
import {
  notifyBulkOperationFinished,
  readBulkResult,
  startBulkQuery,
  streamBulkQuery,
  streamShopCustomers,
  streamShopOrdersSince,
  waitForBulkOperation,
} from "../../app/shopify/bulk.server";
import { BULK_OPERATION_RUN_QUERY, BULK_QUERIES } from "../../app/shopify/documents";
import { classifyShopifyError } from "../../app/shopify/errors";
import { BulkOperationFailedError, ShopifyUserError, runAdminQuery } from "../../app/shopify/graphql";
import { JsonlError, readJsonLines } from "../../app/shopify/jsonl";

// Admin API bulk operations against the emulator: start, follow, stream the JSONL result
// (lines split across chunks), one operation per shop, nested connections as `__parentId`
// rows, failures classified.

let emulator: AdminEmulator;
let seq = 0;

beforeAll(async () => {
  process.env.KANTA_LOCAL = "1";
  resetEnvCache();
  emulator = await getEmulator();
});
afterAll(() => {
  delete process.env.KANTA_LOCAL;
  resetEnvCache();
  emulator.bulkChunkBytes = 64 * 1024;
  emulator.setBulkRunningPolls(1);
});

function newShop(currencyCode = "EUR") {
  const domain = `bulk-${process.pid}-${++seq}.myshopify.com`;
  emulator.addShop({ name: "Bulk", myshopifyDomain: domain, currencyCode, ianaTimezone: "Europe/Helsinki" });
  return domain;
}

const fast = { pollMs: 1, maxPollMs: 2 };

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

function stream(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === "string" ? encoder.encode(c) : c);
      controller.close();
    },
  });
}

describe("JSONL reading", () => {
  it("reads lines across chunk boundaries, split multi-byte characters, CRLF and a last line without newline", async () => {
    const bytes = new TextEncoder().encode('{"name":"山田"}\r\n\n{"n":2}\n{"n":3}');
    const chunks = Array.from(bytes, (b) => new Uint8Array([b])); // one byte at a time
    const rows = await collect(readJsonLines(stream(chunks)));
    expect(rows).toEqual([
      { line: 1, value: { name: "山田" } },
      { line: 3, value: { n: 2 } },
      { line: 4, value: { n: 3 } },
    ]);
  });

  it("names the line that is not a JSON object", async () => {
    await expect(collect(readJsonLines(stream(['{"a":1}\n', "[1,2]\n"])))).rejects.toThrow(JsonlError);
    await expect(collect(readJsonLines(stream(['{"a":1}\n{"b":\n'])))).rejects.toThrow(/line 2/);
  });
});

describe("bulk queries against the emulator", () => {
  it("streams every customer, typed, while the result arrives in small chunks", async () => {
    const shop = newShop();
    emulator.bulkChunkBytes = 7;
    const created = new Date("2025-03-01T10:00:00Z");
    for (let i = 1; i <= 25; i++) {
      emulator.addCustomer(shop, {
        id: `gid://shopify/Customer/${7_000_000 + i}`,
        email: i === 3 ? null : `c${i}@example.com`,
        phone: null,
        numberOfOrders: i % 4,
        addresses: [],
        firstName: i === 2 ? "Åsa" : `First${i}`,
        lastName: i === 2 ? "山田" : null,
        tags: i % 5 === 0 ? ["wholesale", "VIP"] : [],
        locale: i === 4 ? "fi" : "en",
        createdAt: created,
        amountSpent: `${i * 10}.50`,
      });
    }
    const progress: string[] = [];
    const rows = await collect(streamShopCustomers(shop, { ...fast, onProgress: (op) => progress.push(op.status) }));
    emulator.bulkChunkBytes = 64 * 1024;
    expect(rows).toHaveLength(25);
    expect(rows[1]).toEqual({
      customerGid: "gid://shopify/Customer/7000002",
      email: "c2@example.com",
      firstName: "Åsa",
      lastName: "山田",
      tags: [],
      locale: "en",
      createdAt: created.toISOString(),
      numberOfOrders: 2,
      amountSpent: { amount: "20.50", currencyCode: "EUR" },
    });
    expect(rows[2]!.email).toBeNull();
    expect(rows[4]!.tags).toEqual(["wholesale", "VIP"]);
    expect(rows[3]!.locale).toBe("fi");
    expect(progress).toEqual(["RUNNING", "COMPLETED"]);
    const [op] = emulator.bulkOperations(shop);
    expect(op).toMatchObject({ status: "COMPLETED", rootObjectCount: 25 });
  });

  it("answers an empty result with no url, and yields nothing", async () => {
    const shop = newShop();
    expect(await collect(streamShopCustomers(shop, fast))).toEqual([]);
    expect(emulator.bulkOperations(shop)).toHaveLength(1);
  });

  it("allows one bulk query per shop: a second one is refused with OPERATION_IN_PROGRESS", async () => {
    const shop = newShop();
    const graphql = await localAdminGraphql(shop);
    type Run = { bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: { code: string; message: string }[] } };
    const first = await runAdminQuery<Run>(graphql, BULK_OPERATION_RUN_QUERY, { query: BULK_QUERIES.CUSTOMERS, groupObjects: false });
    expect(first.bulkOperationRunQuery.bulkOperation?.status).toBe("CREATED");
    const second = await runAdminQuery<Run>(graphql, BULK_OPERATION_RUN_QUERY, { query: BULK_QUERIES.CUSTOMERS, groupObjects: false });
    expect(second.bulkOperationRunQuery.bulkOperation).toBeNull();
    expect(second.bulkOperationRunQuery.userErrors[0]).toMatchObject({ code: "OPERATION_IN_PROGRESS" });
    // Another shop is not held up.
    const other = await runAdminQuery<Run>(await localAdminGraphql(newShop()), BULK_OPERATION_RUN_QUERY, { query: BULK_QUERIES.CUSTOMERS, groupObjects: false });
    expect(other.bulkOperationRunQuery.userErrors).toEqual([]);
  });

  it("adopts its own running query after a restart, and waits out someone else's", async () => {
    const shop = newShop();
    emulator.addCustomer(shop, { id: "gid://shopify/Customer/8100001", email: "a@example.com", phone: null, numberOfOrders: 0, addresses: [] });
    const graphql = await localAdminGraphql(shop);
    emulator.setBulkRunningPolls(4); // still running through the reads below
    // A process started the customers query and died while it ran.
    const orphan = await startBulkQuery(graphql, BULK_QUERIES.CUSTOMERS);
    const adopted = await startBulkQuery(graphql, `  ${BULK_QUERIES.CUSTOMERS}\n`);
    expect(adopted.id).toBe(orphan.id);
    expect(await collect(streamShopCustomers(shop, fast))).toHaveLength(1);
    expect(emulator.bulkOperations(shop)).toHaveLength(1);

    // Someone else's query is running: the customers query starts when it has ended.
    const ordersQuery = BULK_QUERIES.ORDERS_SINCE.replace("$SINCE", "2026-01-01");
    const foreign = await startBulkQuery(graphql, ordersQuery);
    expect(await collect(streamShopCustomers(shop, fast))).toHaveLength(1);
    const ops = emulator.bulkOperations(shop);
    expect(ops.map((o) => o.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(ops[1]!.id).toBe(foreign.id);
    emulator.setBulkRunningPolls(1);
  });

  it("refuses a query Shopify would refuse, as a terminal userError", async () => {
    const shop = newShop();
    const error = await collect(streamBulkQuery(shop, "{ shop { name } }", fast)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUserError);
    expect(String(error)).toMatch(/at least one connection/);
    expect(classifyShopifyError(error).kind).toBe("terminal");
    const deep = "{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }";
    await expect(collect(streamBulkQuery(shop, deep, fast))).rejects.toThrow(/nesting depth/);
    await expect(collect(streamBulkQuery(shop, "{ customers { edges { node { notAField } } } }", fast))).rejects.toThrow(/notAField/);
  });

  it("a FAILED operation throws, classified by its error code", async () => {
    const shop = newShop();
    emulator.failNextBulkOperation("TIMEOUT");
    const timeout = await collect(streamShopCustomers(shop, fast)).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(BulkOperationFailedError);
    expect(timeout).toMatchObject({ status: "FAILED", errorCode: "TIMEOUT" });
    expect(classifyShopifyError(timeout).kind).toBe("retryable");
    emulator.failNextBulkOperation("ACCESS_DENIED");
    const denied = await collect(streamShopCustomers(shop, fast)).catch((e: unknown) => e);
    expect(classifyShopifyError(denied).kind).toBe("terminal");
    // Not stuck: the next one runs.
    await expect(collect(streamShopCustomers(shop, fast))).resolves.toEqual([]);
  });

  it("nested connections arrive as __parentId rows; the orders reader groups them and filters by date", async () => {
    const shop = newShop();
    const customer = "gid://shopify/Customer/8200001";
    emulator.addCustomer(shop, { id: customer, email: "o@example.com", phone: null, numberOfOrders: 3, addresses: [] });
    const order = (n: number, createdAt: string, lines: number) => ({
      id: `gid://shopify/Order/${8_300_000 + n}`,
      name: `#${1000 + n}`,
      customerId: n === 3 ? null : customer,
      createdAt: new Date(createdAt),
      financialStatus: "PAID",
      currencyCode: "EUR",
      lines: Array.from({ length: lines }, (_, i) => ({ id: `gid://shopify/LineItem/${8_400_000 + n * 10 + i}`, quantity: 2, unitPrice: "10.00", discount: "1.50", tax: "0.40" })),
    });
    emulator.addOrder(shop, order(1, "2025-01-10T10:00:00Z", 1)); // before the window
    emulator.addOrder(shop, order(2, "2026-10-01T10:00:00Z", 2));
    emulator.addOrder(shop, order(3, "2026-11-01T10:00:00Z", 1)); // a guest's
    emulator.addOrder(shop, order(4, "2026-11-20T10:00:00Z", 3));

    // Raw, ungrouped (Shopify's default): every row; children name their parent.
    const raw = await collect(streamBulkQuery(shop, BULK_QUERIES.ORDERS_SINCE.replace("$SINCE", "2026-09-01"), fast));
    const parents = raw.filter((r) => !r.__parentId);
    const children = raw.filter((r) => r.__parentId);
    expect(parents.map((r) => r.name)).toEqual(["#1002", "#1003", "#1004"]);
    expect(children).toHaveLength(6);
    expect(new Set(children.map((c) => c.__parentId))).toEqual(new Set(["gid://shopify/Order/8300002", "gid://shopify/Order/8300003", "gid://shopify/Order/8300004"]));
    expect(parents[0]).not.toHaveProperty("lineItems");

    const orders = await collect(streamShopOrdersSince(shop, new Date("2026-09-01T00:00:00Z"), fast));
    expect(orders.map((o) => [o.name, o.customerGid, o.lines.length])).toEqual([
      ["#1002", customer, 2],
      ["#1003", null, 1],
      ["#1004", customer, 3],
    ]);
    expect(orders[0]).toMatchObject({ financialStatus: "PAID", currencyCode: "EUR", currentSubtotal: "37.00", total: "37.80", taxesIncluded: false });
    expect(orders[0]!.lines[0]).toEqual({ lineItemGid: "gid://shopify/LineItem/8400020", quantity: 2, currentQuantity: 2, isGiftCard: false, unitPrice: "10.00", discount: "1.50", tax: "0.40" });
    expect(emulator.bulkOperations(shop).at(-1)!.query).toContain('created_at:>=2026-09-01');
  });

  it("resumes reading a completed result from a line", async () => {
    const shop = newShop();
    for (let i = 1; i <= 5; i++) emulator.addCustomer(shop, { id: `gid://shopify/Customer/${8_500_000 + i}`, email: null, phone: null, numberOfOrders: 0, addresses: [] });
    const graphql = await localAdminGraphql(shop);
    const op = await waitForBulkOperation(graphql, (await startBulkQuery(graphql, BULK_QUERIES.CUSTOMERS)).id, fast);
    const rest = await collect(readBulkResult(op, { fromLine: 4 }));
    expect(rest.map((r) => [r.line, r.row.id])).toEqual([
      [4, "gid://shopify/Customer/8500004"],
      [5, "gid://shopify/Customer/8500005"],
    ]);
  });

  it("the bulk_operations/finish webhook wakes a waiter before its next poll; an abort stops it", async () => {
    const shop = newShop();
    const graphql = await localAdminGraphql(shop);
    emulator.setBulkRunningPolls(1);
    const op = await startBulkQuery(graphql, BULK_QUERIES.CUSTOMERS);
    // The first read says RUNNING; the next would be an hour later without the webhook.
    const waiting = waitForBulkOperation(graphql, op.id, { pollMs: 3_600_000, onProgress: (o) => o.status === "RUNNING" && setImmediate(() => notifyBulkOperationFinished(op.id)) });
    await expect(waiting).resolves.toMatchObject({ status: "COMPLETED" });

    const controller = new AbortController();
    const shop2 = newShop();
    const graphql2 = await localAdminGraphql(shop2);
    const op2 = await startBulkQuery(graphql2, BULK_QUERIES.CUSTOMERS);
    const aborted = waitForBulkOperation(graphql2, op2.id, { pollMs: 3_600_000, signal: controller.signal, onProgress: () => setImmediate(() => controller.abort()) });
    await expect(aborted).rejects.toThrow(/abort/i);
  });
});
