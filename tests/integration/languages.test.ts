// Languages (0036): the app proxy answers the panel's texts and the merchant's names in the
// storefront's language, with the merchant's overrides; overrides and name translations are
// validated and audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signProxyQuery } from "../../app/shopify/signing";
import { saveNameTranslation, saveTextOverride } from "../../app/loyalty/i18n/admin.server";
import { CATALOGUES } from "../../app/loyalty/i18n/catalogue";
import type { AuditActor } from "../../app/loyalty/audit/audit";
import { createTestShop, useTestDatabase } from "../db";
import { TEST_SECRET, startTestServer, type TestServer } from "../http";

const { db } = useTestDatabase();
const actor: AuditActor = { id: "staff-1", name: "Aino Staff", email: "aino@example.com" };
let server: TestServer;
let shop: { id: string; domain: string };
let rewardId: string;

beforeAll(async () => {
  server = await startTestServer();
  shop = await createTestShop(db());
  rewardId = (await db().reward.create({ data: { shopId: shop.id, type: "percent_off", name: "15% off your order", pointsCost: 500, percentOff: 15 } })).id;
});
afterAll(async () => {
  await server.close();
});

async function customer(params: Record<string, string>, headers: Record<string, string> = {}) {
  const url = `${server.url}/proxy/customer?${signProxyQuery({ shop: shop.domain, path_prefix: "/apps/kanta", logged_in_customer_id: "", ...params }, TEST_SECRET).toString()}`;
  const response = await fetch(url, { headers });
  expect(response.status).toBe(200);
  return (await response.json()) as { language: string; texts: Record<string, string>; textsVersion: string; rewards: { id: string; name: string }[]; tiers: { list: { name: string }[] } };
}

describe("the app proxy speaks the storefront's language", () => {
  it.each([
    ["fi", "fi", "Lunasta"],
    ["fi-FI", "fi", "Lunasta"],
    ["de", "de", "Einlösen"],
    ["pt-BR", "pt-BR", "Resgatar"],
    ["no", "nb", "Løs inn"],
    ["ja", "en", "Redeem"],
  ])("locale=%s answers %s texts", async (locale, language, redeem) => {
    const body = await customer({ locale });
    expect(body.language).toBe(language);
    expect(body.texts["rewards.redeem"]).toBe(redeem);
    expect(Object.keys(body.texts).sort()).toEqual(Object.keys(CATALOGUES[language as keyof typeof CATALOGUES]).sort());
  });

  it("reads the browser's language when the widget sends none", async () => {
    expect((await customer({}, { "accept-language": "sv-SE,sv;q=0.9,en;q=0.5" })).language).toBe("sv");
  });

  it("has Polish plural forms in the answer", async () => {
    const body = await customer({ locale: "pl" });
    expect(body.texts["general.points_few"]).toBe("{count} punkty");
    expect(body.texts["general.points_many"]).toBe("{count} punktów");
  });
});

describe("the merchant's overrides", () => {
  it("are refused when a placeholder is lost, with nothing saved or audited", async () => {
    const result = await saveTextOverride(shop.domain, { language: "fi", key: "rewards.need_more_other", text: "Tarvitset vielä pisteitä" }, actor, db());
    expect(result).toMatchObject({ ok: false, problem: "placeholders" });
    expect(result.ok === false && result.message).toContain("{count}");
    expect(await db().auditEvent.count({ where: { shopId: shop.id, action: "program.texts_updated" } })).toBe(0);
    expect((await db().program.findUniqueOrThrow({ where: { shopId: shop.id } })).textOverrides).toBe("{}");
  });

  it("reach the shopper in their language only, are audited, and reset", async () => {
    expect(await saveTextOverride(shop.domain, { language: "fi", key: "rewards.redeem", text: " Lunasta nyt " }, actor, db())).toEqual({ ok: true });
    expect((await customer({ locale: "fi" })).texts["rewards.redeem"]).toBe("Lunasta nyt");
    expect((await customer({ locale: "sv" })).texts["rewards.redeem"]).toBe(CATALOGUES.sv["rewards.redeem"]);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { shopId: shop.id, action: "program.texts_updated" } });
    expect(audit).toMatchObject({ actorEmail: "aino@example.com", subjectLabel: "Texts (fi)" });
    expect(JSON.parse(audit.after!)).toEqual({ "rewards.redeem": "Lunasta nyt" });

    expect(await saveTextOverride(shop.domain, { language: "fi", key: "rewards.redeem", text: null }, actor, db())).toEqual({ ok: true });
    expect((await customer({ locale: "fi" })).texts["rewards.redeem"]).toBe("Lunasta");
    expect(await db().auditEvent.count({ where: { shopId: shop.id, action: "program.texts_updated" } })).toBe(2);
  });
});

describe("names of rewards and tiers in the shopper's language", () => {
  it("a Finnish shopper sees “15 % alennus”, others the name as typed", async () => {
    expect(await saveNameTranslation(shop.domain, { entity: "reward", id: rewardId, language: "fi", name: "15 % alennus" }, actor, db())).toEqual({ ok: true });
    const fi = await customer({ locale: "fi-FI" });
    expect(fi.rewards.find((r) => r.id === rewardId)!.name).toBe("15 % alennus");
    const de = await customer({ locale: "de" });
    expect(de.rewards.find((r) => r.id === rewardId)!.name).toBe("15% off your order");
    const audit = await db().auditEvent.findFirstOrThrow({ where: { shopId: shop.id, action: "reward.updated", subjectId: rewardId } });
    expect(JSON.parse(audit.after!)).toEqual({ "name (fi)": "15 % alennus" });
  });

  it("tiers too; a name too long or another shop's row is refused", async () => {
    const tier = await db().tier.findFirstOrThrow({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
    expect(await saveNameTranslation(shop.domain, { entity: "tier", id: tier.id, language: "de", name: "Bronze-Stufe" }, actor, db())).toEqual({ ok: true });
    expect((await customer({ locale: "de" })).tiers.list[0]!.name).toBe("Bronze-Stufe");
    expect(await saveNameTranslation(shop.domain, { entity: "tier", id: tier.id, language: "de", name: "x".repeat(121) }, actor, db())).toMatchObject({ ok: false, problem: "too_long" });
    const other = await createTestShop(db());
    const theirs = await db().tier.findFirstOrThrow({ where: { shopId: other.id } });
    expect(await saveNameTranslation(shop.domain, { entity: "tier", id: theirs.id, language: "de", name: "Nope" }, actor, db())).toMatchObject({ ok: false, problem: "not_found" });
    expect((await db().tier.findUniqueOrThrow({ where: { id: theirs.id } })).translations).toBe("{}");
  });
});

// After the overrides' tests: the saves here add audit events those count.
describe("the texts the widget already holds", () => {
  it("are left out while the version it sends is current, sent again when an override changes them", async () => {
    const first = await customer({ locale: "da" });
    expect(first.textsVersion).toMatch(/^[\w-]{12}$/);
    const held = await customer({ locale: "da", texts: first.textsVersion });
    expect(held.texts).toBeUndefined();
    expect(held.textsVersion).toBe(first.textsVersion);
    expect(held.rewards.length).toBeGreaterThan(0);
    // Another language's version, or none known: the texts come.
    expect((await customer({ locale: "nl", texts: first.textsVersion })).texts["rewards.redeem"]).toBe(CATALOGUES.nl["rewards.redeem"]);
    expect((await customer({ locale: "da", texts: "nonsense" })).texts).toEqual(first.texts);
    // The merchant changes a Danish text: the version held is no longer current.
    expect(await saveTextOverride(shop.domain, { language: "da", key: "rewards.redeem", text: "Indløs nu" }, actor, db())).toEqual({ ok: true });
    const changed = await customer({ locale: "da", texts: first.textsVersion });
    expect(changed.texts["rewards.redeem"]).toBe("Indløs nu");
    expect(changed.textsVersion).not.toBe(first.textsVersion);
    expect(await saveTextOverride(shop.domain, { language: "da", key: "rewards.redeem", text: null }, actor, db())).toEqual({ ok: true });
    expect((await customer({ locale: "da", texts: first.textsVersion })).texts).toBeUndefined();
  });
});
