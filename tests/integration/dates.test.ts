import { describe, expect, it } from "vitest";
import { setBirthday } from "../../app/loyalty/dates/birthday.server";
import { runDateSweeps } from "../../app/loyalty/dates/sweeps.server";
import { verifyLedger, appendLedgerEntry } from "../../app/loyalty/ledger/append.server";
import { getCustomerView } from "../../app/loyalty/storefront/customer-view.server";
import { inTransaction } from "../../app/loyalty/tx.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { createMember, nextCustomerId, customerGid } from "../factories";
import { TEST_SECRET, useLocalModeEnv, useTestServer } from "../http";

// Birthdays, anniversaries, win-back and expiry reminders (docs/decisions/0023): the member
// gives their birthday through the signed proxy; the date sweeps pay birthday points on the
// day in the shop's time zone and record each occasion exactly once.

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();

const DAY = 86_400_000;

async function shop(timeZone = "Europe/Helsinki", program: { expiryMonths?: number; expiryReminderDays?: number; winbackDays?: number } = {}) {
  const s = await createTestShop(db());
  await db().shop.update({ where: { id: s.id }, data: { ianaTimezone: timeZone } });
  await db().program.update({ where: { shopId: s.id }, data: program });
  return s;
}

async function birthdayRule(shopId: string, points = 100) {
  return db().earningRule.create({ data: { shopId, type: "birthday", name: "Birthday bonus", points, limit: "once_per_year" } });
}

async function member(shopId: string, fields: Parameters<typeof createMember>[2] = {}, points = 0) {
  const id = nextCustomerId();
  const m = await createMember(db(), shopId, { customerGid: customerGid(id), ...fields }, { points });
  return { ...m, customerId: id };
}

const occasions = (shopId: string, kind: string) => db().occasion.findMany({ where: { shopId, kind }, orderBy: { key: "asc" } });

function postBirthday(shopDomain: string, customerId: string, body: unknown, secret = TEST_SECRET) {
  const query = signProxyQuery({ shop: shopDomain, logged_in_customer_id: customerId, path_prefix: "/apps/kanta" }, secret);
  return fetch(`${server().url}/proxy/birthday?${query}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

describe("a member gives their birthday", () => {
  it("through the signed proxy only: stored on the member, marked for the metafield, shown in the widget", async () => {
    const s = await shop();
    const m = await member(s.id);
    const forged = await postBirthday(s.domain, m.customerId, { month: 3, day: 14 }, "not-the-secret");
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).birthMonth).toBeNull();

    const response = await postBirthday(s.domain, m.customerId, { month: 3, day: 14, year: 1990 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ birthday: { month: 3, day: 14, year: 1990 } });
    const row = await db().member.findUniqueOrThrow({ where: { id: m.id } });
    expect([row.birthMonth, row.birthDay, row.birthYear, row.birthdaySyncDue]).toEqual([3, 14, 1990, true]);
    const view = await getCustomerView(s.domain, m.customerGid, db());
    expect(view.customer!.birthday).toMatchObject({ month: 3, day: 14, year: 1990 });
    expect(view.customer!.birthday!.changeableFrom).not.toBeNull();
  });

  it("refuses a date that does not exist, a guest and an excluded member, and changes nothing", async () => {
    const s = await shop();
    const m = await member(s.id);
    for (const body of [{ month: 2, day: 30 }, { month: 13, day: 1 }, { month: 2, day: 29, year: 2001 }, { month: 1, day: 1, year: 2999 }]) {
      const response = await postBirthday(s.domain, m.customerId, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "bad_birthday" });
    }
    expect((await postBirthday(s.domain, m.customerId, { month: "March", day: 1 })).status).toBe(400);
    expect((await postBirthday(s.domain, nextCustomerId(), { month: 3, day: 1 })).status).toBe(403);
    const excluded = await member(s.id, { status: "excluded" });
    expect((await postBirthday(s.domain, excluded.customerId, { month: 3, day: 1 })).status).toBe(403);
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).birthMonth).toBeNull();
  });

  it("can be changed once a year", async () => {
    const s = await shop();
    const m = await member(s.id);
    const t0 = new Date("2026-01-10T12:00:00Z");
    const input = { shopDomain: s.domain, customerGid: m.customerGid };
    await setBirthday({ ...input, month: 5, day: 1, now: t0 }, db());
    // Saying the same again is fine; a different date within the year is refused.
    await expect(setBirthday({ ...input, month: 5, day: 1, now: new Date("2026-02-01T00:00:00Z") }, db())).resolves.toMatchObject({ month: 5, day: 1 });
    await expect(setBirthday({ ...input, month: 6, day: 1, now: new Date("2026-12-31T00:00:00Z") }, db())).rejects.toMatchObject({
      code: "birthday_locked",
      changeableFrom: new Date(t0.getTime() + 365 * DAY),
    });
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).birthMonth).toBe(5);
    await setBirthday({ ...input, month: 6, day: 2, now: new Date(t0.getTime() + 365 * DAY) }, db());
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).birthMonth).toBe(6);
    const response = await postBirthday(s.domain, m.customerId, { month: 7, day: 1 });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "birthday_locked" });
  });
});

describe("birthday points on the day", () => {
  it("pays on the shop's local day, far east of UTC, once per member per year, and records the occasion once", async () => {
    const s = await shop("Pacific/Kiritimati"); // UTC+14
    await birthdayRule(s.id, 100);
    const set = new Date("2026-01-01T00:00:00Z");
    const m = await member(s.id, { birthMonth: 3, birthDay: 14, birthdaySetAt: set });
    const other = await member(s.id, { birthMonth: 3, birthDay: 15, birthdaySetAt: set });
    // 13 March 09:00 UTC is 13 March 23:00 in Kiritimati: not yet.
    await runDateSweeps(db(), { now: new Date("2026-03-13T09:00:00Z"), shopId: s.id });
    expect(await db().ledgerEntry.count({ where: { memberId: m.id, kind: "action_bonus" } })).toBe(0);
    // 10:30 UTC is 14 March 00:30 there.
    const first = await runDateSweeps(db(), { now: new Date("2026-03-13T10:30:00Z"), shopId: s.id });
    expect(first).toMatchObject({ birthdays: 1, birthdayPoints: 100 });
    // Again the same day, and after a lost mark (a crash before it was written): nothing more.
    await runDateSweeps(db(), { now: new Date("2026-03-13T12:00:00Z"), shopId: s.id });
    await db().dateSweep.deleteMany({ where: { shopId: s.id } });
    await runDateSweeps(db(), { now: new Date("2026-03-13T13:00:00Z"), shopId: s.id });
    const rows = await db().ledgerEntry.findMany({ where: { memberId: m.id, kind: "action_bonus" } });
    expect(rows.map((r) => [r.idempotencyKey, r.delta])).toEqual([[`birthday:${m.id}:2026`, 100]]);
    expect((await occasions(s.id, "birthday")).map((o) => [o.memberId, o.key, JSON.parse(o.data)])).toEqual([[m.id, `birthday:${m.id}:2026`, { points: 100 }]]);
    expect(await db().ledgerEntry.count({ where: { memberId: other.id } })).toBe(0);
    // Next year, again once.
    await runDateSweeps(db(), { now: new Date("2027-03-13T11:00:00Z"), shopId: s.id });
    expect(await db().ledgerEntry.count({ where: { memberId: m.id, kind: "action_bonus" } })).toBe(2);
    expect(await verifyLedger(db(), s.id)).toEqual([]);
  });

  it("pays on the local day far west of UTC too", async () => {
    const s = await shop("Pacific/Pago_Pago"); // UTC-11
    await birthdayRule(s.id, 50);
    const m = await member(s.id, { birthMonth: 1, birthDay: 1, birthdaySetAt: new Date("2026-06-01T00:00:00Z") });
    // 1 January 05:00 UTC is still 31 December in Pago Pago.
    await runDateSweeps(db(), { now: new Date("2027-01-01T05:00:00Z"), shopId: s.id });
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).points).toBe(0);
    await runDateSweeps(db(), { now: new Date("2027-01-01T11:30:00Z"), shopId: s.id });
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).points).toBe(50);
    expect((await db().ledgerEntry.findFirstOrThrow({ where: { memberId: m.id, kind: "action_bonus" } })).idempotencyKey).toBe(`birthday:${m.id}:2027`);
  });

  it("celebrates 29 February on 28 February in other years, and on the 29th in leap years", async () => {
    const s = await shop("UTC");
    await birthdayRule(s.id, 30);
    const leap = await member(s.id, { birthMonth: 2, birthDay: 29, birthdaySetAt: new Date("2020-01-01T00:00:00Z") });
    const points = async () => (await db().member.findUniqueOrThrow({ where: { id: leap.id } })).points;
    await runDateSweeps(db(), { now: new Date("2027-02-28T08:00:00Z"), shopId: s.id });
    expect(await points()).toBe(30);
    await runDateSweeps(db(), { now: new Date("2028-02-28T08:00:00Z"), shopId: s.id });
    expect(await points()).toBe(30); // 2028 has a 29th
    await runDateSweeps(db(), { now: new Date("2028-02-29T08:00:00Z"), shopId: s.id });
    expect(await points()).toBe(60);
  });

  it("gives a tier's birthday points, nothing to a birthday given on the day, and no second payment after an old claim this year", async () => {
    const s = await shop("UTC");
    const rule = await birthdayRule(s.id, 100);
    const tiers = await db().tier.findMany({ where: { shopId: s.id }, orderBy: { rank: "asc" } });
    await db().tier.update({ where: { id: tiers[1]!.id }, data: { perks: JSON.stringify({ birthdayPoints: 400 }) } });
    const now = new Date("2026-07-04T09:00:00Z");
    const before = new Date("2026-05-01T00:00:00Z");
    const gold = await member(s.id, { birthMonth: 7, birthDay: 4, birthdaySetAt: before, tierId: tiers[1]!.id });
    const today = await member(s.id, { birthMonth: 7, birthDay: 4, birthdaySetAt: new Date("2026-07-04T08:00:00Z") });
    const claimed = await member(s.id, { birthMonth: 7, birthDay: 4, birthdaySetAt: before });
    // The any-day claim of earlier versions, this year: its row stays and counts.
    await inTransaction(db(), (tx) =>
      appendLedgerEntry(tx, { shopId: s.id, memberId: claimed.id, delta: 100, kind: "action_bonus", idempotencyKey: `action:${rule.id}:${claimed.customerGid}:2026`, note: "Birthday bonus" }),
    );
    await runDateSweeps(db(), { now, shopId: s.id });
    const balance = async (id: string) => (await db().member.findUniqueOrThrow({ where: { id } })).points;
    expect(await balance(gold.id)).toBe(400);
    expect(await balance(today.id)).toBe(0);
    expect(await balance(claimed.id)).toBe(100);
    expect((await occasions(s.id, "birthday")).map((o) => o.memberId).sort()).toEqual([gold.id, claimed.id].sort());
    expect(await verifyLedger(db(), s.id)).toEqual([]);
  });
});

describe("points expiry: what expires when, and the reminder", () => {
  it("shows the amount and date in the widget's view and reminds N days before, once per expiry date", async () => {
    const s = await shop("UTC", { expiryMonths: 12, expiryReminderDays: 7 });
    const m = await member(s.id, {}, 340);
    await db().member.update({ where: { id: m.id }, data: { lastActivityAt: new Date("2025-12-10T12:00:00Z") } });
    const view = await getCustomerView(s.domain, m.customerGid, db());
    expect(view.customer!.expiry).toEqual({ points: 340, at: "2026-12-10T12:00:00.000Z" });

    const sweepDays = async (from: string, days: number) => {
      for (let i = 0; i < days; i++) await runDateSweeps(db(), { now: new Date(Date.parse(from) + i * DAY), shopId: s.id });
    };
    await sweepDays("2026-11-30T13:00:00Z", 10);
    expect((await occasions(s.id, "points_expiring")).map((o) => [o.key, JSON.parse(o.data)])).toEqual([
      [`points_expiring:${m.id}:2026-12-10`, { points: 340, expiresOn: "2026-12-10" }],
    ]);
    // Activity moves the expiry a year on: a new reminder then, never a second for the old date.
    await db().member.update({ where: { id: m.id }, data: { lastActivityAt: new Date("2026-12-08T12:00:00Z") } });
    await sweepDays("2026-12-09T13:00:00Z", 3);
    await sweepDays("2027-11-28T13:00:00Z", 6);
    expect((await occasions(s.id, "points_expiring")).map((o) => o.key)).toEqual([`points_expiring:${m.id}:2026-12-10`, `points_expiring:${m.id}:2027-12-08`]);
  });

  it("reminds no one when the setting is off or nothing would expire", async () => {
    const s = await shop("UTC", { expiryMonths: 12 });
    const m = await member(s.id, {}, 10);
    await db().member.update({ where: { id: m.id }, data: { lastActivityAt: new Date("2025-12-10T12:00:00Z") } });
    await runDateSweeps(db(), { now: new Date("2026-12-05T00:00:00Z"), shopId: s.id });
    await db().program.update({ where: { shopId: s.id }, data: { expiryMonths: null, expiryReminderDays: 7 } });
    await runDateSweeps(db(), { now: new Date("2026-12-06T00:00:00Z"), shopId: s.id });
    expect(await occasions(s.id, "points_expiring")).toEqual([]);
    expect((await getCustomerView(s.domain, m.customerGid, db())).customer!.expiry).toBeNull();
  });
});

describe("anniversaries and win-back", () => {
  it("marks the membership anniversary on the local day, once a year, 29 February on the 28th", async () => {
    const s = await shop("Europe/Helsinki");
    const m = await member(s.id, { enrolledAt: new Date("2024-12-03T23:30:00Z") }); // 4 December 01:30 in Helsinki
    const leap = await member(s.id, { enrolledAt: new Date("2024-02-29T10:00:00Z") });
    const fresh = await member(s.id, { enrolledAt: new Date("2026-12-03T23:30:00Z") });
    await runDateSweeps(db(), { now: new Date("2026-12-03T21:00:00Z"), shopId: s.id }); // 23:00 on the 3rd
    expect(await occasions(s.id, "anniversary")).toEqual([]);
    await runDateSweeps(db(), { now: new Date("2026-12-03T22:30:00Z"), shopId: s.id });
    await runDateSweeps(db(), { now: new Date("2026-12-04T12:00:00Z"), shopId: s.id });
    expect((await occasions(s.id, "anniversary")).map((o) => [o.memberId, o.key, JSON.parse(o.data)])).toEqual([[m.id, `anniversary:${m.id}:2026`, { years: 2 }]]);
    await runDateSweeps(db(), { now: new Date("2027-02-28T08:00:00Z"), shopId: s.id });
    expect((await occasions(s.id, "anniversary")).map((o) => o.memberId)).toContain(leap.id);
    expect((await occasions(s.id, "anniversary")).map((o) => o.memberId)).not.toContain(fresh.id);
  });

  it("marks win-back once per stretch without an order", async () => {
    const s = await shop("UTC", { winbackDays: 30 });
    const now = new Date("2026-12-04T10:00:00Z");
    const lapsed = await member(s.id, { lastOrderAt: new Date(now.getTime() - 30 * DAY - 3_600_000) });
    const recent = await member(s.id, { lastOrderAt: new Date(now.getTime() - 10 * DAY) });
    const never = await member(s.id, {});
    await runDateSweeps(db(), { now, shopId: s.id });
    await runDateSweeps(db(), { now: new Date(now.getTime() + 3_600_000), shopId: s.id });
    expect((await occasions(s.id, "winback")).map((o) => [o.memberId, JSON.parse(o.data)])).toEqual([[lapsed.id, { days: 30 }]]);
    // The recent one lapses 20 days later; the lapsed one orders and lapses again.
    await db().member.update({ where: { id: lapsed.id }, data: { lastOrderAt: new Date(now.getTime() + 2 * DAY) } });
    for (let i = 1; i <= 33; i++) await runDateSweeps(db(), { now: new Date(now.getTime() + i * DAY), shopId: s.id });
    const rows = await occasions(s.id, "winback");
    expect(rows.filter((o) => o.memberId === lapsed.id)).toHaveLength(2);
    expect(rows.filter((o) => o.memberId === recent.id)).toHaveLength(1);
    expect(rows.filter((o) => o.memberId === never.id)).toHaveLength(0);
  });
});
