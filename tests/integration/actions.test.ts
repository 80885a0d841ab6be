import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { claimAction } from "../../app/loyalty/earn/claim.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { customerPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";

const { db } = useTestDatabase();
const { server } = useTestServer();

useLocalModeEnv();

let customerSeq = 0;
/** Shopify-sized customer ids (beyond 2^53), built as strings so each is distinct. */
const nextCustomerId = () => `83098291194615${String(++customerSeq).padStart(4, "0")}`;

/** A live shop (Europe/Helsinki) with bonus actions, and a member holding the 100-point sign-up bonus. */
async function shopWithMember(options: { tags?: string } = {}) {
  const shop = await createTestShop(db());
  const rule = (type: string, name: string, points: number, limit: string, config: object = {}) =>
    db().earningRule.create({ data: { shopId: shop.id, type, name, points, limit, config: JSON.stringify(config) } });
  const rules = {
    instagram: await rule("social_follow", "Follow us on Instagram", 10, "once", { network: "instagram", url: "https://www.instagram.com/kanta/" }),
    newsletter: await rule("newsletter", "Sign up for our newsletter", 25, "once"),
    birthday: await rule("birthday", "Birthday bonus", 100, "once_per_year"),
    review: await rule("review", "Write a review", 10, "unlimited"),
  };
  const customerId = nextCustomerId();
  await sendWebhook(server().url, "customers/create", shop.domain, customerPayload({ id: customerId, tags: options.tags }));
  await getJobRunner().idle();
  const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: `gid://shopify/Customer/${customerId}` } });
  return { shop, customerId, customerGid: member.customerGid, member, rules };
}

function claim(shop: string, customerId: string, type: string, body: unknown, secret = TEST_SECRET) {
  const query = signProxyQuery({ shop, logged_in_customer_id: customerId, path_prefix: "/apps/kanta" }, secret);
  return fetch(`${server().url}/proxy/actions/${type}?${query}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function actionRows(memberId: string) {
  return db().ledgerEntry.findMany({ where: { memberId, kind: "action_bonus" }, orderBy: { createdAt: "asc" } });
}

async function points(memberId: string) {
  return (await db().member.findUniqueOrThrow({ where: { id: memberId } })).points;
}

describe("claiming bonus actions from the widget", () => {
  it("awards the rule's points once, through the signed proxy route", async () => {
    const { shop, customerId, customerGid, member, rules } = await shopWithMember();
    expect(member.points).toBe(100);
    const response = await claim(shop.domain, customerId, "newsletter", { ruleId: rules.newsletter.id });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ awarded: 25, points: 125 });
    const rows = await actionRows(member.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      delta: 25,
      pendingDelta: 0,
      kind: "action_bonus",
      idempotencyKey: `action:${rules.newsletter.id}:${customerGid}`,
      sourceGid: rules.newsletter.id,
      actor: `customer:${customerGid}`,
      note: "Sign up for our newsletter",
    });
    const after = await db().member.findUniqueOrThrow({ where: { id: member.id } });
    expect(after).toMatchObject({ points: 125, lifetimePoints: 125 });
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("answers a second claim 409 already_claimed and writes one row", async () => {
    const { shop, customerId, member, rules } = await shopWithMember();
    expect((await claim(shop.domain, customerId, "social_follow", { ruleId: rules.instagram.id })).status).toBe(200);
    const again = await claim(shop.domain, customerId, "social_follow", { ruleId: rules.instagram.id });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "already_claimed", message: expect.any(String) });
    expect(await actionRows(member.id)).toHaveLength(1);
    expect(await points(member.id)).toBe(110);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("20 parallel claims award once", async () => {
    const { shop, customerId, member, rules } = await shopWithMember();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => claim(shop.domain, customerId, "newsletter", { ruleId: rules.newsletter.id })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(await actionRows(member.id)).toHaveLength(1);
    expect(await points(member.id)).toBe(125);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("refuses to pay a birthday claimed any day: birthday points come on the day (0023)", async () => {
    const { shop, customerId, member, rules } = await shopWithMember();
    await expect(claimAction({ shopDomain: shop.domain, customerGid: member.customerGid, ruleType: "birthday", ruleId: rules.birthday.id }, db())).rejects.toMatchObject({
      code: "rule_unavailable",
    });
    // The widget's old request, with the date in it.
    const response = await claim(shop.domain, customerId, "birthday", { ruleId: rules.birthday.id, birthday: "03-14" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "rule_unavailable" });
    expect(await actionRows(member.id)).toHaveLength(0);
    expect(await points(member.id)).toBe(100);
  });

  it("answers 404 for unknown, disabled, foreign, informational and mismatched rules", async () => {
    const { shop, customerId, member, rules } = await shopWithMember();
    const other = await shopWithMember();
    const purchase = await db().earningRule.findFirstOrThrow({ where: { shopId: shop.id, type: "purchase" } });
    const disabled = await db().earningRule.create({ data: { shopId: shop.id, type: "custom", name: "Old quiz", points: 5, enabled: false } });
    const cases: [string, string][] = [
      ["newsletter", "no-such-rule"],
      ["custom", disabled.id],
      ["newsletter", other.rules.newsletter.id],
      ["review", rules.review.id],
      ["purchase", purchase.id],
      ["social_follow", rules.newsletter.id], // the URL's type must be the rule's
    ];
    for (const [type, ruleId] of cases) {
      const response = await claim(shop.domain, customerId, type, { ruleId });
      expect(response.status, `${type} ${ruleId}`).toBe(404);
      expect(await response.json()).toMatchObject({ error: "rule_unavailable" });
    }
    expect(await actionRows(member.id)).toHaveLength(0);
  });

  it("refuses guests, forged signatures, bad bodies, non-members, excluded members and paused programs", async () => {
    const { shop, customerId, rules } = await shopWithMember();
    const body = { ruleId: rules.newsletter.id };
    expect((await claim(shop.domain, "", "newsletter", body)).status).toBe(401);
    expect((await claim(shop.domain, customerId, "newsletter", body, "wrong-secret")).status).toBe(401);
    const noRule = await claim(shop.domain, customerId, "newsletter", {});
    expect(noRule.status).toBe(400);
    expect(await noRule.json()).toMatchObject({ error: "bad_request" });
    expect((await claim(shop.domain, customerId, "newsletter", "not json")).status).toBe(400);
    const stranger = await claim(shop.domain, "999", "newsletter", body);
    expect(stranger.status).toBe(403);
    expect(await stranger.json()).toMatchObject({ error: "not_a_member" });

    await db().program.update({ where: { shopId: shop.id }, data: { excludedTags: "staff" } });
    const excluded = await (async () => {
      const id = nextCustomerId();
      await sendWebhook(server().url, "customers/create", shop.domain, customerPayload({ id, tags: "staff" }));
      await getJobRunner().idle();
      return id;
    })();
    const refused = await claim(shop.domain, excluded, "newsletter", body);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: "member_excluded" });

    await db().program.update({ where: { shopId: shop.id }, data: { status: "paused" } });
    const paused = await claim(shop.domain, customerId, "newsletter", body);
    expect(paused.status).toBe(409);
    expect(await paused.json()).toMatchObject({ error: "program_inactive" });
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id, kind: "action_bonus" } })).toBe(0);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("rate-limits a customer hammering the endpoint", async () => {
    const { shop, customerId, rules } = await shopWithMember();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await claim(shop.domain, customerId, "review", { ruleId: rules.review.id })).status);
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});

describe("GET /proxy/customer: ways to earn", () => {
  function view(shop: string, customerId: string) {
    return fetch(`${server().url}/proxy/customer?${signProxyQuery({ shop, logged_in_customer_id: customerId, path_prefix: "/apps/kanta" }, TEST_SECRET)}`).then((r) => r.json());
  }

  it("shows each rule's state for a member, and only information for a guest", async () => {
    const { shop, customerId, rules } = await shopWithMember();
    await db().earningRule.create({ data: { shopId: shop.id, type: "newsletter", name: "Disabled", points: 500, enabled: false } });
    expect((await claim(shop.domain, customerId, "newsletter", { ruleId: rules.newsletter.id })).status).toBe(200);

    const body = await view(shop.domain, customerId);
    expect(body.customer.points).toBe(125);
    expect(body.ways.map((w: { name: string; state: string }) => [w.name, w.state])).toEqual([
      ["Place an order", "info"],
      ["Join the program", "done"],
      ["Birthday bonus", "info"], // paid on the day, never claimed (0023)
      ["Sign up for our newsletter", "done"],
      ["Follow us on Instagram", "go"],
      ["Write a review", "info"],
    ]);
    expect(body.ways[0]).toMatchObject({ type: "purchase", points: 1, earn: { points: 1, spendMinor: 100 }, config: {} });
    expect(body.ways[4]).toEqual({
      id: rules.instagram.id,
      type: "social_follow",
      name: "Follow us on Instagram",
      points: 10,
      state: "go",
      config: { network: "instagram", url: "https://www.instagram.com/kanta/" },
    });
    // Existing fields are unchanged.
    expect(body.program).toMatchObject({ currencyCode: "EUR", earn: { points: 1, spendMinor: 100 }, signupPoints: 100 });

    const guest = await view(shop.domain, "");
    expect(guest.customer).toBeNull();
    expect(guest.ways).toHaveLength(6);
    expect(guest.ways.every((w: { state: string }) => w.state === "info")).toBe(true);
  });
});
