import { beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../app/db.server";
import { saveBadge, saveChallenge } from "../../app/loyalty/challenges/admin.server";
import { root, untilDemoEnrolled, useLocalKanta, watchProblems } from "./local-server";
import path from "node:path";

// Challenges, badges and the leaderboard as people meet them in local mode: the merchant's
// Challenges page and a member's widget sections (progress bars, badges, joining the
// leaderboard). Screenshots into docs/screenshots/challenges-*.png.

const kanta = useLocalKanta();
const ELSA = "7390000001003";
const SHOP = "kanta-demo.myshopify.com";
const shots = path.join(root, "docs", "screenshots");
let challengeId = "";
let elsaId = "";

async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

beforeAll(async () => {
  const db = createPrismaClient(kanta.env.DATABASE_URL!);
  try {
    await untilDemoEnrolled(db);
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const today = new Date().toISOString().slice(0, 10);
    const badge = await retry(() => saveBadge(SHOP, null, { name: "Regular", icon: "coffee", description: "Three orders in a month" }, db));
    await retry(() => saveBadge(SHOP, null, { name: "Early bird", icon: "star", description: "Joined the first challenge" }, db));
    if (!badge.ok) throw new Error("badge");
    const three = await retry(() => saveChallenge(SHOP, null, { name: "Three in thirty", description: "Place 3 orders within 30 days", kind: "orders_count", target: "3", windowKind: "from_join", startDate: today, windowDays: "30", rewardPoints: "200", badgeId: badge.id }, db));
    const spend = await retry(() => saveChallenge(SHOP, null, { name: "Spend 100 € this month", kind: "spend", target: "100", windowKind: "fixed", startDate: today, endDate: "2026-12-31", rewardPoints: "150" }, db));
    if (!three.ok || !spend.ok) throw new Error("challenge");
    challengeId = three.id;
    const elsa = await db.member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId: shop.id, customerGid: `gid://shopify/Customer/${ELSA}` } } });
    elsaId = elsa.id;
    // Elsa's progress as the order path would have left it (this test is about what people see).
    await retry(() => db.challengeProgress.create({ data: { shopId: shop.id, challengeId: three.id, memberId: elsa.id, joinedAt: new Date(), progress: 2 } }));
    await retry(() => db.challengeProgress.create({ data: { shopId: shop.id, challengeId: spend.id, memberId: elsa.id, joinedAt: new Date(), progress: 6400 } }));
    const early = await db.badge.findFirstOrThrow({ where: { shopId: shop.id, name: "Early bird" } });
    await retry(() => db.memberBadge.create({ data: { shopId: shop.id, memberId: elsa.id, badgeId: early.id } }));
    // Some members are on this month's board already.
    const others = await db.member.findMany({ where: { shopId: shop.id, NOT: { id: elsa.id }, firstName: { not: null } }, take: 4, orderBy: { lifetimePoints: "desc" } });
    for (const [i, m] of others.entries()) {
      await retry(() => db.member.update({ where: { id: m.id }, data: { leaderboardOptInAt: new Date(Date.now() - 1000 * (i + 1)) } }));
      await retry(() => db.ledgerEntry.create({ data: { shopId: shop.id, memberId: m.id, delta: 120 - i * 25, kind: "action_bonus", idempotencyKey: `e2e-board-${m.id}` } }));
      await retry(() => db.member.update({ where: { id: m.id }, data: { points: { increment: 120 - i * 25 }, lifetimePoints: { increment: 120 - i * 25 } } }));
    }
  } finally {
    await db.$disconnect();
  }
}, 120_000);

describe("challenges in local mode", () => {
  it("the merchant's Challenges page and editor (desktop and phone)", async () => {
    for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["mobile", { width: 390, height: 844 }]] as const) {
      const page = await kanta.browser().newPage({ viewport });
      const problems = watchProblems(page);
      await page.goto(`${kanta.base}/app/challenges`);
      await page.getByText("Three in thirty").first().waitFor();
      await page.getByText("Spend 100 € this month").first().waitFor();
      // Screenshots only once React has hydrated the page: a screenshot styles the inputs
      // (caret-color), which hydration would report as a mismatch.
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: path.join(shots, `challenges-admin-${name}.png`), fullPage: true });
      await page.goto(`${kanta.base}/app/challenges/${challengeId}`);
      await page.getByText("1 joined").waitFor();
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: path.join(shots, `challenges-editor-${name}.png`), fullPage: true });
      await page.goto(`${kanta.base}/app/members/${elsaId}`);
      await page.getByText("Challenges and badges").waitFor();
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: path.join(shots, `challenges-member-${name}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("a member sees progress, badges and joins the leaderboard (desktop and phone)", async () => {
    for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["mobile", { width: 390, height: 844 }]] as const) {
      const page = await kanta.browser().newPage({ viewport });
      const problems = watchProblems(page);
      await page.goto(`${kanta.base}/local/storefront?customer=${ELSA}`);
      await page.getByRole("button", { name: /Rewards/ }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("heading", { name: "Challenges" }).waitFor();
      const bars = dialog.getByRole("progressbar", { name: "Three in thirty" });
      expect(await bars.getAttribute("aria-valuenow")).toBe("66");
      await dialog.getByText("2 of 3").waitFor();
      await dialog.getByText("Early bird").waitFor();
      const toggle = dialog.getByRole("button", { name: /Join the leaderboard|Leave the leaderboard/ });
      if ((await toggle.textContent()) === "Join the leaderboard") await toggle.click();
      await dialog.getByRole("button", { name: "Leave the leaderboard" }).waitFor();
      await dialog.getByRole("heading", { name: "Challenges" }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shots, `challenges-widget-${name}.png`) });
      await dialog.getByRole("heading", { name: /leaderboard/ }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shots, `challenges-leaderboard-${name}.png`) });
      expect(problems).toEqual([]);
      await page.close();
    }
  });
});
