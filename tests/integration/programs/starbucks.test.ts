import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../../app/jobs/queue.server";
import { LOCAL_SHOP } from "../../../app/shopify/admin.server";
import { signProxyQuery } from "../../../app/shopify/signing";
import { action as settingsAction } from "../../../app/routes/app.settings";
import { action as ruleAction } from "../../../app/routes/app.earn.$id";
import { action as listAction, loader as listLoader } from "../../../app/routes/app.challenges._index";
import { action as challengeAction, loader as challengeLoader } from "../../../app/routes/app.challenges.$id";
import { useLocalAdminShop, useTestDatabase } from "../../db";
import { customerPayload, orderPayload } from "../../fixtures/payloads";
import { nextCustomerId, nextOrderId } from "../../factories";
import { TEST_SECRET, sendWebhook, useTestServer } from "../../http";

// A seed program: Starbucks Rewards, "stars per purchase; challenges; a leaderboard". Set up
// as a merchant would, through the admin pages' own actions (Settings, Ways to earn,
// Challenges), then lived by shoppers through signed webhooks and the app proxy.

const { db } = useTestDatabase();
const { server } = useTestServer();
let shopId = "";
useLocalAdminShop(db, (id) => {
  shopId = id;
});

function form(url: string, fields: Record<string, string>) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return new Request(`http://localhost${url}`, { method: "POST", body });
}
const today = () => new Date().toISOString().slice(0, 10);
const query = (customerId: string | null) => signProxyQuery({ shop: LOCAL_SHOP, ...(customerId ? { logged_in_customer_id: customerId } : {}), path_prefix: "/apps/kanta" }, TEST_SECRET);
const proxy = async (path: string, customerId: string | null, body?: unknown) =>
  (await fetch(`${server().url}/proxy/${path}?${query(customerId)}`, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })).json();

async function customer(firstName: string, lastName: string) {
  const id = nextCustomerId();
  await sendWebhook(server().url, "customers/create", LOCAL_SHOP, customerPayload({ id, firstName, lastName }));
  await getJobRunner().idle();
  return id;
}
async function buy(customerId: string, price: string) {
  const at = new Date().toISOString();
  await sendWebhook(server().url, "orders/paid", LOCAL_SHOP, orderPayload({ id: nextOrderId(), customerId, lines: [{ price }], updatedAt: at, processedAt: at }));
  await getJobRunner().idle();
}

describe("seed program: Starbucks Rewards", () => {
  it("stars per purchase, a three-visit challenge with a badge, and a monthly leaderboard", async () => {
    // Settings: the program's name, and points called stars.
    const settings = await settingsAction({
      request: form("/app/settings", {
        programName: "Starbucks Rewards", name_en_singular: "star", name_en_plural: "stars", name_fi_singular: "tähti", name_fi_plural: "tähteä",
        name_da_singular: "", name_da_plural: "", name_sv_singular: "", name_sv_plural: "", expiryPolicy: "none", expiryMonths: "", pendingDays: "0",
        excludedTags: "[]", accent: "#00704A", onAccent: "#ffffff", position: "bottom-right", label: "Stars",
      }),
      params: {},
      context: {},
    });
    expect(settings).toEqual({ ok: true, message: "Settings saved" });
    // Ways to earn: 2 stars per euro.
    const purchase = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "purchase" } });
    expect(await ruleAction({ request: form(`/app/earn/${purchase.id}`, { intent: "save", points: "2", spend: "1,00", name: "Buy a coffee", enabled: "true" }), params: { id: purchase.id }, context: {} })).toMatchObject({ ok: true });

    // Challenges: a badge, then "3 visits in 30 days" for 50 stars and the badge.
    expect(await listAction({ request: form("/app/challenges", { intent: "badge", name: "Regular", icon: "coffee", description: "Three visits in a month" }), params: {}, context: {} })).toMatchObject({ ok: true });
    const badge = await db().badge.findFirstOrThrow({ where: { shopId } });
    const challenge = (fields: Record<string, string>) => challengeAction({ request: form("/app/challenges/new", { intent: "save", ...fields }), params: { id: "new" }, context: {} });
    // The form refuses what cannot work, per field, and saves nothing.
    const refused = await challenge({ name: "", kind: "orders_count", target: "0", windowKind: "from_join", startDate: today(), windowDays: "30", rewardPoints: "50" });
    expect(refused).toMatchObject({ ok: false, errors: { name: expect.any(String), target: expect.any(String) } });
    expect(await db().challenge.count({ where: { shopId } })).toBe(0);
    const visits = await challenge({ name: "Three visits", description: "Visit 3 times within 30 days", kind: "orders_count", target: "3", windowKind: "from_join", startDate: today(), endDate: "", windowDays: "30", rewardPoints: "50", badgeId: badge.id });
    expect(visits).toMatchObject({ ok: true, created: true });
    const visitsId = visits.ok ? visits.id : "";

    // Shoppers.
    const ana = await customer("Ana", "García");
    const ben = await customer("Ben", "Okafor");
    for (const price of ["4.50", "5.00", "6.50"]) await buy(ana, price);
    await buy(ben, "30.00");

    // Ana: 100 sign-up + 2 x 16 € = 32 stars for coffee + 50 for the challenge, and the badge; shown in stars.
    const anaView = await proxy("customer", ana);
    expect(anaView.program.pointsName).toEqual({ singular: "star", plural: "stars" });
    expect(anaView.customer.points).toBe(100 + 32 + 50);
    expect(anaView.customer.challenges).toEqual([expect.objectContaining({ name: "Three visits", completed: true, progress: 3, target: 3 })]);
    expect(anaView.customer.badges).toEqual([expect.objectContaining({ name: "Regular", glyph: "☕" })]);
    // Ben: one visit of three.
    const benView = await proxy("customer", ben);
    expect(benView.customer.challenges).toEqual([expect.objectContaining({ name: "Three visits", completed: false, progress: 1, percent: 33 })]);

    // The merchant's results.
    const list = await listLoader({ request: new Request("http://localhost/app/challenges"), params: {}, context: {} });
    expect(list.page?.challenges).toEqual([expect.objectContaining({ name: "Three visits", joined: 2, completed: 1, status: "running" })]);
    const editor = await challengeLoader({ request: new Request(`http://localhost/app/challenges/${visitsId}`), params: { id: visitsId }, context: {} });
    expect(editor.editor?.challenge?.results).toEqual({ joined: 2, completed: 1 });

    // The leaderboard: both join; Ben's 60 coffee stars + 100 beat Ana's 32 + 100 + 50.
    expect((await proxy("leaderboard", ana, { join: true })).me).toMatchObject({ optedIn: true, rank: 1 });
    const board = await proxy("leaderboard", ben, { join: true });
    expect(board.top).toEqual([
      { rank: 1, name: "Ana G.", points: 182, you: false },
      { rank: 2, name: "Ben O.", points: 160, you: true },
    ]);
    const guest = await proxy("leaderboard", null);
    expect(guest.top.map((r: { name: string }) => r.name)).toEqual(["Ana G.", "Ben O."]);
    expect(JSON.stringify(guest)).not.toMatch(/García|Okafor/);
    // Every admin change is in the activity log.
    const actions = (await db().auditEvent.findMany({ where: { shopId }, select: { action: true } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["program.settings_updated", "earn_rule.updated", "badge.created", "challenge.created"]));
  });
});
