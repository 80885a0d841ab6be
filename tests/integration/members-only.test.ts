import { beforeEach, describe, expect, it } from "vitest";
import { syncDueAppData } from "../../app/jobs/app-data.server";
import { getEmulator } from "../../app/local/emulator.server";
import { renderExtensionBlock, type PreviewCustomer } from "../../app/local/storefront.server";
import { addDaysToDate, utcToZonedDateTime } from "../../app/loyalty/program/zoned-time";
import { MEMBERS, type AccessRule } from "../../app/loyalty/tiers/access";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { ACCESS_APP_DATA_METAFIELD } from "../../app/shopify/app-data.server";
import { action, loader } from "../../app/routes/app.members-only";
import { useLocalAdminShop, useTestDatabase } from "../db";

// Members-only products and early access (0034), through the admin page's action as the
// merchant saves them: refusals save nothing and record nothing; a save is audited and marks
// the app-data metafield, which the AppDataSync job sends as kanta.access; and the theme block
// renders from it in local mode for a guest, a member and a tier member.

const { db } = useTestDatabase();
let shopId = "";
useLocalAdminShop(db, (id) => {
  shopId = id;
});

const TZ = "Europe/Helsinki"; // the test shop's
const today = () => utcToZonedDateTime(new Date(), TZ).date;
const PRODUCT = { id: "gid://shopify/Product/8812000000001", title: "Birch soap bar", handle: "birch-soap-bar" };

function save(rules: unknown) {
  const body = new FormData();
  body.set("rules", typeof rules === "string" ? rules : JSON.stringify(rules));
  return action({ request: new Request("http://localhost/app/members-only", { method: "POST", body }), params: {}, context: {} });
}
const load = () => loader({ request: new Request("http://localhost/app/members-only"), params: {}, context: {} });
const audits = () => db().auditEvent.findMany({ where: { shopId, action: "program.member_access_updated" }, orderBy: { createdAt: "asc" } });

const rule = (patch: Partial<AccessRule> = {}): AccessRule => ({ id: "spring", name: "Spring launch", products: [PRODUCT], collections: [], stages: [{ who: MEMBERS, from: null }], openFrom: null, ...patch });

async function syncDemo() {
  const emulator = await getEmulator();
  await db().appDataSync.updateMany({ where: { shopId: { not: shopId } }, data: { dirty: false } });
  await syncDueAppData(db(), async (domain) => emulator.client(domain), { now: new Date(Date.now() + 1000) });
  const stored = emulator.appDataMetafield(LOCAL_SHOP, ACCESS_APP_DATA_METAFIELD.namespace, ACCESS_APP_DATA_METAFIELD.key);
  return stored ? { type: stored.type, value: JSON.parse(stored.value) as { rules: { stages: { label: string; tags: string[]; from: number }[]; openAt: number }[] } } : null;
}

const PRODUCT_PAGE = { id: 8812000000001, title: "Birch soap bar", handle: "birch-soap-bar", collections: [] };
const block = (customer: PreviewCustomer | null, locale = "en") =>
  renderExtensionBlock("members-only.liquid", { locale, customer, product: PRODUCT_PAGE, timeZone: TZ }).then((r) => r.html);
const member = (tags: string[]): PreviewCustomer => ({ id: "7391000000001", first_name: "Aino", email: null, tags });

beforeEach(async () => {
  await db().program.update({ where: { shopId }, data: { memberAccess: "{}", excludedTags: "wholesale" } });
});

describe("the Members-only page", () => {
  it("refuses impossible dates and tiers: nothing saved, nothing audited, nothing marked", async () => {
    const before = await audits();
    await db().appDataSync.update({ where: { shopId }, data: { dirty: false } });
    const refused = await save([rule({ stages: [{ who: "Gold", from: "2026-02-30" }, { who: "Diamond", from: null }], openFrom: "2026-01-01" })]);
    expect(refused).toEqual({
      ok: false,
      errors: { "rules.0.stages.0.from": "Enter a real date.", "rules.0.stages.1.who": "This tier no longer exists. Pick another." },
    });
    const later = await save([rule({ stages: [{ who: MEMBERS, from: "2026-05-12" }, { who: "Gold", from: "2026-05-15" }], openFrom: "2026-05-14" })]);
    expect(later).toMatchObject({ ok: false, errors: { "rules.0.stages.1.from": expect.stringContaining("Gold opens after all members"), "rules.0.openFrom": expect.any(String) } });
    expect(await save("{not json")).toMatchObject({ ok: false, errors: { form: expect.any(String) } });
    expect((await db().program.findUniqueOrThrow({ where: { shopId } })).memberAccess).toBe("{}");
    expect(await audits()).toHaveLength(before.length);
    expect((await db().appDataSync.findUniqueOrThrow({ where: { shopId } })).dirty).toBe(false);
  });

  it("saves the rules, audited in words, marks the metafield, and the loader reads them back; saving the same again records nothing", async () => {
    const before = (await audits()).length;
    const launch = rule({ stages: [{ who: "Gold", from: "2026-05-12" }, { who: MEMBERS, from: "2026-05-15" }], openFrom: "2026-05-19" });
    expect(await save([launch])).toEqual({ ok: true, rules: [launch] });
    expect((await db().appDataSync.findUniqueOrThrow({ where: { shopId } })).dirty).toBe(true);
    const page = await load();
    expect(page.rules).toEqual([launch]);
    expect(page.tiers.map((t) => t.name)).toEqual(["Bronze", "Silver", "Gold", "Platinum"]);
    const rows = await audits();
    expect(rows).toHaveLength(before + 1);
    expect(JSON.parse(rows.at(-1)!.after!)).toMatchObject({ spring: { name: "Spring launch", products: "Birch soap bar", stages: "Gold from 2026-05-12; members from 2026-05-15", openFrom: "2026-05-19" } });
    expect(await save([launch])).toEqual({ ok: true, rules: [launch] });
    expect(await audits()).toHaveLength(before + 1);
  });

  it("sends kanta.access with the tier tags at or above, and the shop's midnights", async () => {
    await save([rule({ stages: [{ who: "Gold", from: "2026-05-12" }, { who: MEMBERS, from: "2026-05-15" }], openFrom: "2026-05-19" })]);
    const sent = await syncDemo();
    expect(sent?.type).toBe("json");
    expect(sent?.value).toMatchObject({
      v: 1,
      excludedTags: ["wholesale"],
      rules: [
        {
          id: "spring",
          products: ["8812000000001"],
          stages: [
            { label: "Gold", tags: ["kanta-tier-gold", "kanta-tier-platinum"], from: Date.parse("2026-05-11T21:00:00Z") / 1000 },
            { label: "Members", tags: ["kanta-member", "kanta-tier-bronze", "kanta-tier-silver", "kanta-tier-gold", "kanta-tier-platinum"], from: Date.parse("2026-05-14T21:00:00Z") / 1000 },
          ],
          openAt: Date.parse("2026-05-18T21:00:00Z") / 1000,
        },
      ],
    });
  });
});

describe("the Members-only product block in local mode's storefront", () => {
  it("members-only: a guest is asked to join, a member buys, the buttons hide only for the guest", async () => {
    await save([rule()]);
    await syncDemo();
    const guest = await block(null);
    expect(guest).toContain("Members only: join to buy");
    expect(guest).toContain('href="/local/storefront/register"');
    expect(guest).toContain("data-kanta-mo-locked");
    expect(guest).toContain('.shopify-section:has([data-kanta-mo-locked]) form[action*="/cart/add"] [type="submit"]');
    const bronze = await block(member(["kanta-tier-bronze", "kanta-member"]));
    expect(bronze).not.toContain("data-kanta-mo-locked");
    // Every signed-in customer is enrolled: a member of the entry tier carries no Kanta tag yet and buys.
    expect(await block(member(["newsletter"]))).not.toContain("data-kanta-mo-locked");
    // Signed in but excluded from the program by a tag (any case): told it is for members, no join link.
    const stranger = await block(member(["newsletter", "Wholesale"]));
    expect(stranger).toContain("Members only");
    expect(stranger).toContain("data-kanta-mo-locked");
    expect(stranger).not.toContain("join to buy");
    expect(await block(null, "fi")).toContain("Vain jäsenille: liity ostaaksesi");
  });

  it("early access: Gold buys now, a Bronze member sees their date, a guest sees the schedule in shop-local days", async () => {
    const inThree = addDaysToDate(today(), 3);
    const inSeven = addDaysToDate(today(), 7);
    const label = (date: string) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
    await save([rule({ stages: [{ who: "Gold", from: today() }, { who: MEMBERS, from: inThree }], openFrom: inSeven })]);
    await syncDemo();
    expect(await block(member(["kanta-tier-gold", "kanta-member"]))).not.toContain("data-kanta-mo-locked");
    expect(await block(member(["kanta-tier-platinum", "kanta-member"]))).not.toContain("data-kanta-mo-locked");
    const bronze = await block(member(["kanta-tier-bronze", "kanta-member"]));
    expect(bronze).toContain(`Early access: you can buy from ${label(inThree)}`);
    expect(bronze).toContain(`Members from ${label(inThree)}; everyone from ${label(inSeven)}`);
    const guest = await block(null);
    expect(guest).toContain(`Early access: you can buy from ${label(inSeven)}`);
    const unlock = Number(/data-unlock="(\d+)"/.exec(guest)![1]);
    expect(utcToZonedDateTime(new Date(unlock * 1000), TZ)).toEqual({ date: inSeven, time: "00:00" });
  });

  it("shows nothing on a product no rule covers, and a hint in the theme editor", async () => {
    await save([rule({ products: [{ ...PRODUCT, id: "gid://shopify/Product/8812000000002" }] })]);
    await syncDemo();
    expect((await block(null)).trim()).toBe("");
    const editor = await renderExtensionBlock("members-only.liquid", { locale: "en", customer: null, product: PRODUCT_PAGE, timeZone: TZ, designMode: true });
    expect(editor.html).toContain("Kanta: shows on members-only");
    expect(editor.schema).toMatchObject({ name: "t:members_only.name", target: "section" });
  });
});
