import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runDueImports } from "../../app/jobs/member-import.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { runImportApply } from "../../app/loyalty/import/apply.server";
import { getImportView, listProblemRows, saveImportSettings, startImport } from "../../app/loyalty/import/import.server";
import { ImportCrash, ImportError, type ShopCustomer } from "../../app/loyalty/import/state.server";
import { createImportFromUpload } from "../../app/loyalty/import/upload.server";
import { KANTA_EXPORT_HEADER } from "../../app/loyalty/import/layouts";
import { importLedgerKey, nextReviewAt } from "../../app/loyalty/import/rules";
import { FIXTURE_SAMPLES, LAYOUTS, makeSample, sampleCustomer } from "../../scripts/import-samples.mjs";
import { createTestShop, useTestDatabase } from "../db";
import { createMember } from "../factories";

// Importing members from files in each vendor's layout (tests/fixtures/import, made by
// scripts/make-import-fixtures.mjs): recognised, checked (the dry run changes nothing),
// imported in set or add mode with tiers kept or left to the rules, idempotent by file,
// and resumed after a crash without doubling. On a real database.

const { db } = useTestDatabase();
const CUSTOMERS = 5000;
const STAFF = "staff:owner@example.com";

/** The shop's Shopify customers, as the bulk lookup streams them. */
async function* shopifyCustomers(): AsyncGenerator<ShopCustomer> {
  for (let i = 0; i < CUSTOMERS; i++) yield sampleCustomer(i);
}

/** The bytes in 64 KiB pieces, as a request body streams in. */
async function* pieces(text: string): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
}

async function upload(domain: string, text: string, fileName = "members.csv") {
  return createImportFromUpload(db(), { shopDomain: domain, fileName, data: pieces(text), staff: STAFF });
}

type Settings = { mode?: "set" | "add"; tierMode?: "keep" | "rules"; tierUntil?: string; mapping?: string };

/** Saves the settings and runs the check through the job, as the page does. */
async function check(domain: string, id: string, settings: Settings = {}) {
  const view = await getImportView(db(), domain, id);
  await saveImportSettings(db(), domain, id, {
    mapping: settings.mapping ?? JSON.stringify(view.mapping),
    source: view.source,
    mode: settings.mode ?? "set",
    tierMode: settings.tierMode ?? "rules",
    tierUntil: settings.tierUntil ?? "",
  });
  expect(await runDueImports(db(), new Date(), { customers: shopifyCustomers })).toBe(1);
  const checked = await getImportView(db(), domain, id);
  expect(checked.status).toBe("checked");
  return checked.counts!;
}

async function run(domain: string, id: string, options: { batchSize?: number } = {}) {
  await startImport(db(), domain, id);
  expect(await runDueImports(db(), new Date(), { customers: shopifyCustomers, ...options })).toBe(1);
  expect((await getImportView(db(), domain, id)).status).toBe("done");
}

async function balances(shopId: string) {
  const members = await db().member.findMany({ where: { shopId }, select: { customerGid: true, points: true, lifetimePoints: true, tierId: true, tierManual: true, tierManualUntil: true } });
  return new Map(members.map((m) => [m.customerGid, m]));
}

function fixture(layout: string) {
  return readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "import", `${layout}.csv`), "utf8");
}

async function allProblemLines(domain: string, id: string) {
  const lines: { line: number; outcome: string | null; error: string | null }[] = [];
  for (let page = 1; ; page++) {
    const result = await listProblemRows(db(), domain, id, page);
    lines.push(...result.rows.map((r) => ({ line: r.line, outcome: r.outcome, error: r.error })));
    if (page >= result.pages) return lines;
  }
}

describe("each vendor's layout", () => {
  for (const layout of LAYOUTS) {
    it(`recognises ${layout}'s file and checks every row: bad rows and unknown customers by line, nothing changed`, async () => {
      const options = FIXTURE_SAMPLES[layout as keyof typeof FIXTURE_SAMPLES];
      const sample = makeSample(layout, options);
      // The fixture is the generator's output (npm run fixtures:import writes it).
      expect(fixture(layout)).toBe(sample.text);
      const shop = await createTestShop(db());
      const id = await upload(shop.domain, sample.text, `${layout}.csv`);
      const view = await getImportView(db(), shop.domain, id);
      expect(view.source).toBe(layout);
      expect(view.mapping.points).toBeDefined();
      expect(view.mapping.email ?? view.mapping.customerId).toBeDefined();
      if (layout === "rivo" || layout === "joy" || layout === "kanta") expect(view.headers[view.mapping.tier!]).toMatch(/tier|membership/i);
      if (layout === "kanta") expect(view.mapping.customerId).toBe(0);

      const counts = await check(shop.domain, id);
      expect(counts).toEqual({
        rows: sample.expected.good.size + sample.expected.bad.length + sample.expected.unknown.length,
        newMembers: sample.expected.good.size,
        updated: 0,
        unchanged: 0,
        unknown: sample.expected.unknown.length,
        bad: sample.expected.bad.length,
      });
      const problems = await allProblemLines(shop.domain, id);
      expect(problems.filter((p) => p.outcome === "bad").map((p) => p.line)).toEqual(sample.expected.bad);
      expect(problems.filter((p) => p.outcome === "unknown").map((p) => p.line)).toEqual(sample.expected.unknown);
      for (const p of problems) expect(p.error).toBeTruthy();
      // The dry run changed nothing.
      expect(await db().member.count({ where: { shopId: shop.id } })).toBe(0);
      expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);

      await run(shop.domain, id);
      const after = await balances(shop.id);
      expect(after.size).toBe(sample.expected.good.size);
      for (const [gid, want] of sample.expected.good) {
        expect(after.get(gid)?.points, `${gid} line ${want.line}`).toBe(want.points);
        expect(after.get(gid)?.lifetimePoints).toBe(want.points);
      }
      // Customers Shopify does not have were reported, never created.
      expect(await db().member.count({ where: { shopId: shop.id, customerGid: { startsWith: "gid://shopify/Customer/91" } } })).toBe(0);
      expect(await verifyLedger(db(), shop.id)).toEqual([]);
      const entries = await db().ledgerEntry.findMany({ where: { shopId: shop.id }, select: { kind: true, note: true, actor: true } });
      expect(entries.length).toBe([...sample.expected.good.values()].filter((g) => g.points !== 0).length);
      for (const e of entries) {
        expect(e.kind).toBe("import");
        expect(e.actor).toBe(STAFF);
      }
      expect(entries[0]!.note).toContain(`Imported from ${view.sourceName}`);
    });
  }
});

describe("modes", () => {
  it("sets balances (the difference is the import entry) or adds to them", async () => {
    const shop = await createTestShop(db());
    const a = sampleCustomer(1);
    const b = sampleCustomer(2);
    await createMember(db(), shop.id, { customerGid: a.customerGid, email: a.email }, { points: 100 });
    await createMember(db(), shop.id, { customerGid: b.customerGid, email: b.email }, { points: 100 });
    const file = `email,points\n${a.email},250\n${b.email},40\n`;
    const set = await upload(shop.domain, file);
    expect(await check(shop.domain, set, { mode: "set" })).toMatchObject({ updated: 2, newMembers: 0 });
    await run(shop.domain, set);
    let after = await balances(shop.id);
    expect(after.get(a.customerGid)?.points).toBe(250);
    expect(after.get(b.customerGid)?.points).toBe(40);
    const deltas = await db().ledgerEntry.findMany({ where: { shopId: shop.id, kind: "import" }, orderBy: { delta: "asc" }, select: { delta: true } });
    expect(deltas.map((d) => d.delta)).toEqual([-60, 150]);

    const addFile = `email,points\n${a.email},10\n${b.email},5\n`;
    const add = await upload(shop.domain, addFile);
    expect(await check(shop.domain, add, { mode: "add" })).toMatchObject({ updated: 2 });
    await run(shop.domain, add);
    after = await balances(shop.id);
    expect(after.get(a.customerGid)?.points).toBe(260);
    expect(after.get(b.customerGid)?.points).toBe(45);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
    // Each check and each start is in the Activity log, with the modes it ran with.
    const audit = await db().auditEvent.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "asc" }, select: { action: true, subjectId: true, after: true } });
    expect(audit.map((r) => r.action).sort()).toEqual(["import.check_requested", "import.check_requested", "import.started", "import.started"]);
    const started = audit.filter((r) => r.action === "import.started").map((r) => JSON.parse(r.after!) as { mode: string; rowsToApply: number });
    expect(started.map((r) => r.mode).sort()).toEqual(["add", "set"]);
    expect(started.every((r) => r.rowsToApply === 2)).toBe(true);
  });

  it("keeps the file's tier until the next review (or a date), or leaves tiers to Kanta's rules", async () => {
    const shop = await createTestShop(db());
    const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
    const [c1, c2, c3] = [sampleCustomer(10), sampleCustomer(11), sampleCustomer(12)];
    const file = `Email,Points Balance,Birthdate,VIP Tier,Activation Date,Credits Balance\n${c1.email},100,,Gold,,0\n${c2.email},100,,silver ,,0\n${c3.email},100,,Diamond,,0\n`;

    const keep = await upload(shop.domain, file, "rivo.csv");
    const counts = await check(shop.domain, keep, { tierMode: "keep" });
    expect(counts).toMatchObject({ newMembers: 2, bad: 1 });
    expect((await allProblemLines(shop.domain, keep))[0]).toMatchObject({ line: 4, error: expect.stringContaining('Unknown tier "Diamond"') });
    const now = new Date();
    await run(shop.domain, keep);
    const after = await balances(shop.id);
    const gold = tiers.find((t) => t.name === "Gold")!;
    const silver = tiers.find((t) => t.name === "Silver")!;
    expect(after.get(c1.customerGid)).toMatchObject({ tierId: gold.id, tierManual: true });
    expect(after.get(c2.customerGid)).toMatchObject({ tierId: silver.id, tierManual: true });
    const program = await db().program.findUniqueOrThrow({ where: { shopId: shop.id } });
    const until = nextReviewAt(program.tierPeriod as "calendar_year", now, shop.ianaTimezone);
    expect(after.get(c1.customerGid)?.tierManualUntil?.getTime()).toBe(until?.getTime());
    const changes = await db().tierChange.findMany({ where: { shopId: shop.id }, orderBy: { toTier: "asc" } });
    expect(changes.map((c) => [c.toTier, c.reason, c.actor])).toEqual([
      ["Gold", "manual", STAFF],
      ["Silver", "manual", STAFF],
    ]);
    // No tier entry points for an imported tier.
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id, kind: { not: "import" } } })).toBe(0);

    const other = await createTestShop(db());
    const otherTiers = await db().tier.findMany({ where: { shopId: other.id }, orderBy: { rank: "asc" } });
    const rules = await upload(other.domain, file, "rivo.csv");
    expect(await check(other.domain, rules, { tierMode: "rules" })).toMatchObject({ newMembers: 3, bad: 0 });
    await run(other.domain, rules);
    for (const m of (await balances(other.id)).values()) expect(m).toMatchObject({ tierId: otherTiers[0]!.id, tierManual: false });

    const dated = await createTestShop(db());
    const byDate = await upload(dated.domain, file, "rivo.csv");
    await check(dated.domain, byDate, { tierMode: "keep", tierUntil: "2099-06-30" });
    await run(dated.domain, byDate);
    expect((await balances(dated.id)).get(c1.customerGid)?.tierManualUntil?.toISOString()).toBe("2099-06-30T21:00:00.000Z"); // the end of that day in the shop's zone (Helsinki, UTC+3)
  });
});

describe("idempotency", () => {
  it("the same file imported twice changes nothing, in set or add mode", async () => {
    for (const mode of ["set", "add"] as const) {
      const shop = await createTestShop(db());
      const sample = makeSample("smile", { seed: 21, rows: 600, offset: 100 });
      const first = await upload(shop.domain, sample.text);
      await check(shop.domain, first, { mode });
      await run(shop.domain, first);
      const before = await balances(shop.id);
      const entries = await db().ledgerEntry.count({ where: { shopId: shop.id } });

      const again = await upload(shop.domain, sample.text, "renamed.csv");
      const view = await getImportView(db(), shop.domain, again);
      expect(view.sameFileDoneAt).not.toBeNull();
      const counts = await check(shop.domain, again, { mode });
      expect(counts).toMatchObject({ newMembers: 0, updated: 0, unchanged: sample.expected.good.size });
      await expect(startImport(db(), shop.domain, again)).rejects.toThrow(ImportError);
      expect(await balances(shop.id)).toEqual(before);
      expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(entries);
    }
  });

  it("a crash halfway resumes where the committed batches ended, without doubling", async () => {
    const shop = await createTestShop(db());
    const sample = makeSample("yotpo", { seed: 22, rows: 1500, offset: 0 });
    const id = await upload(shop.domain, sample.text, "yotpo.csv");
    await check(shop.domain, id, { mode: "add" });
    await startImport(db(), shop.domain, id);
    await expect(runImportApply(db(), id, { batchSize: 200, failAfterBatches: 3 })).rejects.toThrow(ImportCrash);
    const halfway = await getImportView(db(), shop.domain, id);
    expect(halfway.status).toBe("importing");
    expect(halfway.progress.done).toBe(600);
    expect(await db().member.count({ where: { shopId: shop.id } })).toBe(600);

    // The next sweep resumes it (its lease is free).
    expect(await runDueImports(db(), new Date(), { customers: shopifyCustomers, batchSize: 200 })).toBe(1);
    const done = await getImportView(db(), shop.domain, id);
    expect(done.status).toBe("done");
    expect(done.progress).toEqual({ done: sample.expected.good.size, total: sample.expected.good.size });
    const after = await balances(shop.id);
    for (const [gid, want] of sample.expected.good) expect(after.get(gid)?.points).toBe(want.points);
    const keys = await db().ledgerEntry.findMany({ where: { shopId: shop.id }, select: { idempotencyKey: true } });
    expect(new Set(keys.map((k) => k.idempotencyKey)).size).toBe(keys.length);
    expect(keys.length).toBe([...sample.expected.good.values()].filter((g) => g.points !== 0).length);
    expect(keys.map((k) => k.idempotencyKey)).toContain(importLedgerKey((await db().memberImport.findUniqueOrThrow({ where: { id } })).fileHash, [...sample.expected.good.values()].find((g) => g.points !== 0)!.line));
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("a worker that died holding the lease is resumed once the lease runs out", async () => {
    const shop = await createTestShop(db());
    const sample = makeSample("smile", { seed: 23, rows: 300, offset: 0 });
    const id = await upload(shop.domain, sample.text);
    await check(shop.domain, id);
    await startImport(db(), shop.domain, id);
    const held = new Date(Date.now() + 60_000);
    await db().memberImport.update({ where: { id }, data: { leaseUntil: held } });
    expect(await runDueImports(db(), new Date(), { customers: shopifyCustomers })).toBe(0);
    expect(await runDueImports(db(), new Date(held.getTime() + 1), { customers: shopifyCustomers })).toBe(1);
    expect((await getImportView(db(), shop.domain, id)).status).toBe("done");
  });
});

describe("Kanta's own export", () => {
  it("imports back unchanged into the same shop, and into a new shop with balances and tiers", async () => {
    const shop = await createTestShop(db());
    const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
    const lines: string[] = [KANTA_EXPORT_HEADER.join(",")];
    for (let i = 0; i < 40; i++) {
      const c = sampleCustomer(i);
      const tier = tiers[i % tiers.length]!;
      const m = await createMember(db(), shop.id, { customerGid: c.customerGid, email: c.email, firstName: c.firstName, lastName: c.lastName, tierId: tier.id }, { points: 10 * i + 1 });
      const name = (s: string) => (s.includes(",") ? `"${s}"` : s);
      lines.push([c.customerGid.split("/").pop(), c.email, name(c.firstName ?? ""), name(c.lastName ?? ""), 10 * i + 1, 0, 10 * i + 1, tier.name, "active", m.enrolledAt.toISOString()].join(","));
    }
    const file = lines.join("\n") + "\n";
    const before = await balances(shop.id);
    const id = await upload(shop.domain, file, "kanta-members.csv");
    expect((await getImportView(db(), shop.domain, id)).source).toBe("kanta");
    expect(await check(shop.domain, id, { mode: "set", tierMode: "keep" })).toMatchObject({ rows: 40, unchanged: 40, updated: 0, newMembers: 0, bad: 0 });
    await expect(startImport(db(), shop.domain, id)).rejects.toThrow("Nothing in this file would change");
    expect(await balances(shop.id)).toEqual(before);

    const fresh = await createTestShop(db());
    const freshTiers = new Map((await db().tier.findMany({ where: { shopId: fresh.id } })).map((t) => [t.id, t.name]));
    const oldTiers = new Map(tiers.map((t) => [t.id, t.name]));
    const copy = await upload(fresh.domain, file, "kanta-members.csv");
    expect(await check(fresh.domain, copy, { mode: "set", tierMode: "keep" })).toMatchObject({ newMembers: 40 });
    await run(fresh.domain, copy);
    const after = await balances(fresh.id);
    for (const [gid, m] of before) {
      expect(after.get(gid)?.points).toBe(m.points);
      expect(freshTiers.get(after.get(gid)!.tierId!)).toBe(oldTiers.get(m.tierId!));
    }
  });
});

describe("bad files", () => {
  it("refuses an empty file and one over the size limit, keeping nothing", async () => {
    const shop = await createTestShop(db());
    const chunks = await db().memberImportChunk.count();
    await expect(upload(shop.domain, "")).rejects.toThrow("The file is empty.");
    await expect(createImportFromUpload(db(), { shopDomain: shop.domain, fileName: "big.csv", data: pieces("email,points\n".repeat(1000)), staff: STAFF, maxBytes: 5000 })).rejects.toThrow(/larger than/);
    expect(await db().memberImport.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db().memberImportChunk.count()).toBe(chunks);
  });

  it("refuses a mapping without a customer column or points, and a tier date in the past", async () => {
    const shop = await createTestShop(db());
    const id = await upload(shop.domain, "Email,Points\na@example.com,5\n");
    const base = { source: "other", mode: "set", tierMode: "rules", tierUntil: "" };
    await expect(saveImportSettings(db(), shop.domain, id, { ...base, mapping: JSON.stringify({ points: 1 }) })).rejects.toThrow(/email or Shopify customer ID/);
    await expect(saveImportSettings(db(), shop.domain, id, { ...base, mapping: JSON.stringify({ email: 0 }) })).rejects.toThrow(/points balance/);
    await expect(saveImportSettings(db(), shop.domain, id, { ...base, mapping: JSON.stringify({ email: 0, points: 0 }) })).rejects.toThrow(/same column/);
    await expect(saveImportSettings(db(), shop.domain, id, { ...base, tierMode: "keep", tierUntil: "2001-01-01", mapping: JSON.stringify({ email: 0, points: 1 }) })).rejects.toThrow(/future/);
    expect((await getImportView(db(), shop.domain, id)).status).toBe("uploaded");
  });
});
