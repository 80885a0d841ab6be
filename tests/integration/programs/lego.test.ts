import { describe, expect, it } from "vitest";
import { syncDueAppData } from "../../../app/jobs/app-data.server";
import { syncDueTierChanges } from "../../../app/jobs/tier-sync.server";
import { getEmulator } from "../../../app/local/emulator.server";
import { loader as productPage } from "../../../app/local/routes/local.storefront.product";
import { addDaysToDate, utcToZonedDateTime, zonedDateTimeToUtc } from "../../../app/loyalty/program/zoned-time";
import { MEMBERS, decideProductAccess, rulesForProduct, type AccessRule } from "../../../app/loyalty/tiers/access";
import { action as saveMembersOnly, loader as membersOnlyPage } from "../../../app/routes/app.members-only";
import { LOCAL_SHOP } from "../../../app/shopify/admin.server";
import { searchProducts } from "../../../app/shopify/products.server";
import { useLocalAdminShop, useTestDatabase } from "../../db";
import { applyPaidOrder } from "../../factories";

// The seed program LEGO VIP (../shared/PRODUCT.md): "early access and members-only products
// for members", configured through the admin page a merchant uses (Members-only products,
// products picked from the shop's catalogue as the resource picker lists them), played
// through paid orders that place members in tiers, the tier sync that tags them in Shopify,
// the app-data sync, and the product page's theme block as a guest, a member and a Gold
// member see it (local mode's storefront). The sign-up gift part of LEGO VIP lives beside it.

const { db } = useTestDatabase();
useLocalAdminShop(db, () => {});

const TZ = "Europe/Helsinki";
const today = utcToZonedDateTime(new Date(), TZ).date;

async function pageFor(productGid: string, customer: string) {
  const id = productGid.slice(productGid.lastIndexOf("/") + 1);
  const response = await productPage({ request: new Request(`http://localhost/local/storefront/product?product=${id}&customer=${customer}`), params: {}, context: {} });
  return (response as Response).text();
}

describe("LEGO VIP: early access and members-only products for members", () => {
  it("a members-only set for every member and a launch Gold members get first, then members, then everyone", async () => {
    const emulator = await getEmulator();
    // The merchant picks two products from the catalogue (what the resource picker lists).
    const catalogue = await searchProducts(emulator.client(LOCAL_SHOP), "");
    const [exclusive, launch] = [catalogue[0]!, catalogue[1]!];
    const pick = (p: { id: string; title: string }) => ({ id: p.id, title: p.title, handle: "" });
    const inTwo = addDaysToDate(today, 2);
    const inFive = addDaysToDate(today, 5);
    const rules: AccessRule[] = [
      { id: "vip-exclusive", name: "VIP exclusive set", products: [pick(exclusive)], collections: [], stages: [{ who: MEMBERS, from: null }], openFrom: null },
      { id: "spring-launch", name: "Spring launch", products: [pick(launch)], collections: [], stages: [{ who: "Gold", from: today }, { who: MEMBERS, from: inTwo }], openFrom: inFive },
    ];
    const body = new FormData();
    body.set("rules", JSON.stringify(rules));
    expect(await saveMembersOnly({ request: new Request("http://localhost/app/members-only", { method: "POST", body }), params: {}, context: {} })).toEqual({ ok: true, rules });
    expect((await membersOnlyPage({ request: new Request("http://localhost/app/members-only"), params: {}, context: {} })).rules).toEqual(rules);

    // Two customers buy: Aino spends 800 € (Gold), Ben 20 € (Bronze); the tier sync tags them in Shopify.
    const [aino, ben] = ["7391000000101", "7391000000102"];
    await applyPaidOrder(db(), LOCAL_SHOP, { customerId: aino, price: "800.00" });
    await applyPaidOrder(db(), LOCAL_SHOP, { customerId: ben, price: "20.00" });
    await syncDueTierChanges(db(), { now: new Date(Date.now() + 1000), graphqlFor: async (domain) => emulator.client(domain) });
    expect(emulator.customerTags(LOCAL_SHOP, `gid://shopify/Customer/${aino}`).sort()).toEqual(["kanta-member", "kanta-tier-gold"]);
    // Ben stays in the entry tier he was enrolled in: no move, so no Kanta tag; signed in, he is a member all the same.
    expect(emulator.customerTags(LOCAL_SHOP, `gid://shopify/Customer/${ben}`)).toEqual([]);
    // The storefront learns the rules from the app-data metafield.
    await syncDueAppData(db(), async (domain) => emulator.client(domain), { now: new Date(Date.now() + 1000) });

    // The members-only set: members buy, a guest is asked to join.
    const guestExclusive = await pageFor(exclusive.id, "guest");
    expect(guestExclusive).toContain("Members only: join to buy");
    expect(guestExclusive).toContain("data-kanta-mo-locked");
    for (const member of [aino, ben]) expect(await pageFor(exclusive.id, member)).not.toContain("data-kanta-mo-locked");

    // The launch: Gold buys today; Ben and guests see when they can.
    expect(await pageFor(launch.id, aino)).not.toContain("data-kanta-mo-locked");
    const day = (date: string) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
    const benLaunch = await pageFor(launch.id, ben);
    expect(benLaunch).toContain(`Early access: you can buy from ${day(inTwo)}`);
    expect(benLaunch).toContain(`Members from ${day(inTwo)}; everyone from ${day(inFive)}`);
    expect(await pageFor(launch.id, "guest")).toContain(`Early access: you can buy from ${day(inFive)}`);

    // And the days play out as the rules say, at the shop's midnights.
    const tiers = [{ name: "Bronze", rank: 0 }, { name: "Silver", rank: 1 }, { name: "Gold", rank: 2 }, { name: "Platinum", rank: 3 }];
    const covering = rulesForProduct(rules, launch.id, []);
    const at = (date: string, time = "00:00") => zonedDateTimeToUtc(date, time, TZ)!;
    const bronze = { kind: "customer", member: true, tierName: "Bronze" } as const;
    expect(decideProductAccess(covering, bronze, tiers, at(addDaysToDate(inTwo, -1), "23:59"), TZ).allowed).toBe(false);
    expect(decideProductAccess(covering, bronze, tiers, at(inTwo), TZ).allowed).toBe(true);
    expect(decideProductAccess(covering, { kind: "guest" }, tiers, at(addDaysToDate(inFive, -1), "23:59"), TZ).allowed).toBe(false);
    expect(decideProductAccess(covering, { kind: "guest" }, tiers, at(inFive), TZ).allowed).toBe(true);
    // The members-only set never opens to guests.
    expect(decideProductAccess(rulesForProduct(rules, exclusive.id, []), { kind: "guest" }, tiers, at(addDaysToDate(today, 365)), TZ)).toEqual({ allowed: false, opensAt: null });
  });
});
