import { describe, expect, it } from "vitest";
import { getCustomerView } from "../../app/loyalty/storefront/customer-view.server";
import { requireShopConfig } from "../../app/loyalty/program/shop-config.server";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { action, loader } from "../../app/routes/app.settings";
import { createTestShop, useTestDatabase, useLocalAdminShop } from "../db";
import { createMember } from "../factories";

// Route tests: the Settings page's loader and action called directly, in local mode (the
// demo shop is signed in), on a real database.

const { db } = useTestDatabase();
let shopId = "";

useLocalAdminShop(db, (id) => {
  shopId = id;
});

const VALID: Record<string, string> = {
  programName: "Kanta Club",
  name_en_singular: "star",
  name_en_plural: "stars",
  name_fi_singular: "tähti",
  name_fi_plural: "tähteä",
  name_da_singular: "",
  name_da_plural: "",
  name_sv_singular: "",
  name_sv_plural: "",
  expiryPolicy: "inactivity",
  expiryMonths: "18",
  pendingDays: "14",
  excludedTags: JSON.stringify([" Wholesale ", "staff", "STAFF"]),
  accent: "#FFD60A",
  onAccent: "#ffffff",
  position: "bottom-left",
  label: "Stars",
};

function save(fields: Record<string, string>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  return action({ request: new Request("http://localhost/app/settings", { method: "POST", body }), params: {}, context: {} });
}
const load = () => loader({ request: new Request("http://localhost/app/settings"), params: {}, context: {} });
const program = () => db().program.findUniqueOrThrow({ where: { shopId } });

describe("program settings", () => {
  it("saves valid settings, and the loader, the shop config and the widget's view see them", async () => {
    // A long-lived config cache, as in production: saving must invalidate it.
    process.env.KANTA_CONFIG_CACHE_MS = "600000";
    try {
      expect((await requireShopConfig(db(), LOCAL_SHOP)).program).toMatchObject({ pendingDays: 0, expiryMonths: null, excludedTags: "" });
      expect(await save(VALID)).toEqual({ ok: true, message: "Settings saved" });
      expect((await requireShopConfig(db(), LOCAL_SHOP)).program).toMatchObject({ pendingDays: 14, expiryMonths: 18, excludedTags: "wholesale, staff" });
    } finally {
      process.env.KANTA_CONFIG_CACHE_MS = "0";
    }

    const row = await program();
    expect(row).toMatchObject({ programName: "Kanta Club", expiryMonths: 18, pendingDays: 14, excludedTags: "wholesale, staff" });
    expect(JSON.parse(row.pointsNames)).toEqual({ en: { singular: "star", plural: "stars" }, fi: { singular: "tähti", plural: "tähteä" } });
    expect(JSON.parse(row.widgetSettings)).toEqual({ accent: "#ffd60a", onAccent: "#ffffff", position: "bottom-left", label: "Stars" });

    const { settings } = await load();
    expect(settings!.values).toMatchObject({
      programName: "Kanta Club",
      names: { en: { singular: "star", plural: "stars" }, fi: { singular: "tähti", plural: "tähteä" }, da: { singular: "", plural: "" } },
      expiryPolicy: "inactivity",
      expiryMonths: "18",
      pendingDays: "14",
      excludedTags: ["wholesale", "staff"],
      accent: "#ffd60a",
      position: "bottom-left",
      label: "Stars",
    });

    // The proxy contract: names for the shopper's language, and readable widget colours.
    const guest = await getCustomerView(LOCAL_SHOP, null, db());
    expect(guest.program).toMatchObject({
      programName: "Kanta Club",
      pointsNames: { en: { singular: "star", plural: "stars" }, fi: { singular: "tähti", plural: "tähteä" } },
      pointsName: { singular: "star", plural: "stars" }, // the shop's language (en)
      expiryMonths: 18,
      pendingDays: 14,
      // White on yellow fails WCAG AA: the storefront gets black text.
      widget: { accent: "#ffd60a", onAccent: "#000000", position: "bottom-left", label: "Stars" },
    });
    const finn = await createMember(db(), shopId, { locale: "fi-FI" });
    expect((await getCustomerView(LOCAL_SHOP, finn.customerGid, db())).program.pointsName).toEqual({ singular: "tähti", plural: "tähteä" });
  });

  it("normalises excluded tags given as one comma-separated string, and turns expiry off", async () => {
    expect(await save({ ...VALID, expiryPolicy: "none", expiryMonths: "", excludedTags: "b2b, Staff , staff,,", pendingDays: "0" })).toMatchObject({ ok: true });
    expect(await program()).toMatchObject({ expiryMonths: null, excludedTags: "b2b, staff", pendingDays: 0 });
    expect(await save({ ...VALID, excludedTags: "[]", programName: "Rewards" })).toMatchObject({ ok: true });
    expect(await program()).toMatchObject({ excludedTags: "", programName: "Rewards" });
    // The default name is no name: the widget keeps its own translated title.
    expect((await getCustomerView(LOCAL_SHOP, null, db())).program.programName).toBeNull();
  });

  it.each([
    ["a missing program name", { programName: "  " }, "programName", "Enter a program name"],
    ["a long program name", { programName: "x".repeat(41) }, "programName", "The name can be at most 40 characters"],
    ["a singular without its plural", { name_da_singular: "stjerne" }, "name_da_plural", "Enter the plural for Danish too"],
    ["a plural without its singular", { name_sv_plural: "stjärnor" }, "name_sv_singular", "Enter the singular for Swedish too"],
    ["a long points name", { name_en_plural: "s".repeat(21) }, "name_en_plural", "At most 20 characters"],
    ["markup in a points name", { name_fi_singular: "<b>" }, "name_fi_singular", "Use words only, without { } < or >"],
    ["a placeholder in a points name", { name_en_singular: "{count}" }, "name_en_singular", "Use words only, without { } < or >"],
    ["an unknown expiry policy", { expiryPolicy: "sometimes" }, "expiryPolicy", "Choose when points expire"],
    ["expiry without months", { expiryMonths: "" }, "expiryMonths", "Enter a number of months"],
    ["expiry of zero months", { expiryMonths: "0" }, "expiryMonths", "Choose 1 to 60 months"],
    ["expiry over 60 months", { expiryMonths: "61" }, "expiryMonths", "Choose 1 to 60 months"],
    ["fractional expiry months", { expiryMonths: "1.5" }, "expiryMonths", "Enter a whole number"],
    ["a missing pending period", { pendingDays: "" }, "pendingDays", "Enter a number of days (0 for none)"],
    ["a negative pending period", { pendingDays: "-1" }, "pendingDays", "Choose 0 to 90 days"],
    ["a pending period over 90 days", { pendingDays: "91" }, "pendingDays", "Choose 0 to 90 days"],
    ["a fractional pending period", { pendingDays: "2.5" }, "pendingDays", "Enter a whole number"],
    ["a tag with a comma", { excludedTags: JSON.stringify(["vip", "a,b"]) }, "excludedTags", "Tags can't contain commas: “a,b”"],
    ["a tag over 40 characters", { excludedTags: JSON.stringify(["t".repeat(41)]) }, "excludedTags", `Tags can be at most 40 characters: “${"t".repeat(20)}…”`],
    ["more than 50 tags", { excludedTags: JSON.stringify(Array.from({ length: 51 }, (_, i) => `tag${i}`)) }, "excludedTags", "At most 50 tags"],
    ["an accent that is not a colour", { accent: "green" }, "accent", "Enter a colour like #1f4d3d"],
    ["a text colour that is not a colour", { onAccent: "#12" }, "onAccent", "Enter a colour like #1f4d3d"],
    ["an unknown launcher position", { position: "top-left" }, "position", "Choose a corner"],
    ["a long launcher label", { label: "l".repeat(31) }, "label", "The label can be at most 30 characters"],
  ])("refuses %s with its message and saves nothing", async (_name, overrides, field, message) => {
    await save(VALID);
    const before = await program();
    const o: Record<string, string> = overrides;
    // Valid changes alongside the mistake must not be saved either.
    expect(await save({ ...VALID, ...o, programName: o.programName ?? "Changed name", pendingDays: o.pendingDays ?? "30" })).toEqual({
      ok: false,
      errors: { [field]: message },
    });
    const after = await program();
    expect({ ...after, updatedAt: null }).toEqual({ ...before, updatedAt: null });
    expect(after.programName).toBe("Kanta Club");
  });

  it("reports every mistake at once", async () => {
    expect(await save({ ...VALID, programName: "", pendingDays: "100", accent: "nope", position: "middle" })).toEqual({
      ok: false,
      errors: { programName: "Enter a program name", pendingDays: "Choose 0 to 90 days", accent: "Enter a colour like #1f4d3d", position: "Choose a corner" },
    });
  });

  it("excludes the members who already carry a newly excluded tag, and nobody else", async () => {
    const shopId = (await program()).shopId;
    const tagged = await createMember(db(), shopId, { tags: "vip, Staff" });
    const lookalike = await createMember(db(), shopId, { tags: "staffer, vip" });
    const untagged = await createMember(db(), shopId, { tags: "" });
    const other = await createTestShop(db());
    const otherShop = await createMember(db(), other.id, { tags: "staff" });
    await db().program.update({ where: { shopId }, data: { excludedTags: "" } });
    expect(await save({ ...VALID, excludedTags: JSON.stringify(["staff"]) })).toEqual({ ok: true, message: "Settings saved. 1 member with an excluded tag left the program" });
    const status = async (id: string) => (await db().member.findUniqueOrThrow({ where: { id } })).status;
    expect(await status(tagged.id)).toBe("excluded");
    expect(await status(lookalike.id)).toBe("active");
    expect(await status(untagged.id)).toBe("active");
    expect(await status(otherShop.id)).toBe("active");
    // Saving again changes nothing more.
    expect(await save({ ...VALID, excludedTags: JSON.stringify(["staff"]) })).toEqual({ ok: true, message: "Settings saved" });
  });
});

describe("enrolling existing customers from Settings", () => {
  const enrol = (fields: Record<string, string>) => save({ intent: "enrol", ...fields });

  it("refuses a window Shopify can't read, and changes nothing", async () => {
    const before = await program();
    expect(await enrol({ enrolOrderDays: "90", enrolAwardPoints: "on" })).toEqual({ ok: false, errors: { enrolOrderDays: "Enter a whole number of days from 0 to 60." } });
    expect(await enrol({ enrolOrderDays: "1.5" })).toMatchObject({ ok: false });
    expect({ ...(await program()), updatedAt: null }).toEqual({ ...before, updatedAt: null });
    expect(await db().enrolmentRun.count({ where: { shopId } })).toBe(0);
  });

  it("saves the options, starts one run, shows its progress and then its figures", async () => {
    expect(await enrol({ enrolOrderDays: "30", enrolAwardPoints: "on", enrolSignupBonus: "" })).toEqual({ ok: true, message: "Enrolment started" });
    expect(await program()).toMatchObject({ enrolOrderDays: 30, enrolAwardPoints: true, enrolSignupBonus: false });
    // Asked again while it waits: the same run.
    expect(await enrol({ enrolOrderDays: "0" })).toEqual({ ok: true, message: "An enrolment is already running" });
    expect(await program()).toMatchObject({ enrolOrderDays: 30 });
    const runs = await db().enrolmentRun.findMany({ where: { shopId } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "manual", actor: "local-demo", status: "queued" });
    // The Activity log has the one request that started a run, with the options it ran with.
    const audit = await db().auditEvent.findMany({ where: { shopId, action: "enrolment.requested" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).not.toBeNull();
    expect(JSON.parse(audit[0]!.after!)).toEqual({ enrolOrderDays: 30, enrolAwardPoints: true, enrolSignupBonus: false });

    const waiting = (await load()).enrolment!;
    expect(waiting.active).toMatchObject({ status: "queued", phase: "customers", options: { orderDays: 30, awardPoints: true, signupBonus: false } });
    expect(waiting.last).toBeNull();

    const { runDueEnrolments } = await import("../../app/jobs/enrolment.server");
    await runDueEnrolments(db(), new Date(), { pollMs: 1, maxPollMs: 2 });
    const { enrolment } = await load();
    expect(enrolment!.active).toBeNull();
    const last = enrolment!.last!;
    expect(last.status).toBe("done");
    // The demo shop's 240 customers in the emulator, every one accounted for.
    expect(last.customersSeen).toBe(240);
    expect(last.enrolled + last.alreadyMembers + last.excludedSkipped).toBe(240);
    expect(last.ordersCounted).toBeGreaterThan(0);
    expect(last.pointsAwarded).toBeGreaterThan(0);
  });
});
