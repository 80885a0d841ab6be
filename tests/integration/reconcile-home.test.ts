import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { reconcileShop } from "../../app/loyalty/reconcile/reconcile.server";
import { loader as homeLoader } from "../../app/routes/app._index";
import { ReconcileCard, type ReconcileCardRun } from "../../app/components/ReconcileCard";
import { useLocalAdminShop, useTestDatabase } from "../db";
import { createMember } from "../factories";
import { expectLoggedError } from "../logged-errors";

// Home shows the latest reconciliation: nothing before the first run, "All match" after a
// clean one, and the differences (with a link to each member) after one that found some.

const { db } = useTestDatabase();
let shopId = "";
useLocalAdminShop(db, (id) => {
  shopId = id;
});

const load = async () => (await homeLoader({ request: new Request("http://localhost/app"), params: {}, context: {} })).reconcile;
const render = (run: ReconcileCardRun) =>
  renderToStaticMarkup(createElement(AppProvider, { i18n: en }, createElement(ReconcileCard, { run, timeZone: "UTC" })));

describe("Home's balance check", () => {
  it("shows nothing before the first run, then the latest run and its differences", async () => {
    expect(await load()).toBeNull();
    const member = await createMember(db(), shopId, {}, { points: 20 });
    await reconcileShop(db(), shopId);
    const clean = await load();
    expect(clean).toMatchObject({ status: "done", differenceCount: 0, differences: [] });
    expect(render(clean!)).toContain("All match");

    expectLoggedError(/reconcile difference/);
    await db().member.update({ where: { id: member.id }, data: { points: 999 } });
    await reconcileShop(db(), shopId);
    const found = await load();
    expect(found).toMatchObject({ status: "done", differenceCount: 1, differences: [{ kind: "balance", memberId: member.id }] });
    const html = render(found!);
    expect(html).toContain("1 to check");
    expect(html).toContain("Kanta changed nothing");
    expect(html).toContain(`/app/members/${member.id}`);
    // Reported, not fixed.
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(999);
  });
});
