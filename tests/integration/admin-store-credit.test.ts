import { describe, expect, it } from "vitest";
import { action as editAction, loader as editLoader } from "../../app/routes/app.rewards.$id";
import { loader as listLoader } from "../../app/routes/app.rewards._index";
import { useTestDatabase, useLocalAdminShop } from "../db";

// The Rewards admin's store credit reward (0028): the form's fields, and impossible values
// refused on their fields with nothing written (no reward row, no audit row).

const { db } = useTestDatabase();
let shopId = "";
useLocalAdminShop(db, (id) => {
  shopId = id;
});

const VALID = { type: "store_credit", name: "5 € store credit", pointsCost: "500", value: "5,00", expiryDays: "90", minTierRank: "", enabled: "true", notify: "true" };

function post(id: string, fields: Record<string, string>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  return editAction({ request: new Request(`http://localhost/app/rewards/${id}`, { method: "POST", body }), params: { id }, context: {} });
}

describe("store credit rewards in the admin", () => {
  it("saves the amount, the cost, the expiry and whether Shopify notifies; edits read them back", async () => {
    const result = await post("new", VALID);
    expect(result).toMatchObject({ ok: true, intent: "save", created: true });
    const id = result.ok && result.intent === "save" ? result.id : "";
    const row = await db().reward.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ type: "store_credit", pointsCost: 500, valueMinor: 500n, expiryDays: 90, minOrderMinor: null, percentOff: null });
    expect(JSON.parse(row.config)).toEqual({ notify: true });
    const loaded = await editLoader({ request: new Request(`http://localhost/app/rewards/${id}`), params: { id }, context: {} });
    expect(loaded.values).toMatchObject({ type: "store_credit", value: "5.00", pointsCost: "500", expiryDays: "90", notify: true });
    const listed = await listLoader({ request: new Request("http://localhost/app/rewards"), params: {}, context: {} });
    expect(listed.rewards.find((r: { id: string }) => r.id === id)).toMatchObject({ value: "€5.00 store credit" });
    // Notify off, no expiry.
    const saved = await post(id, { ...VALID, notify: "false", expiryDays: "" });
    expect(saved).toMatchObject({ ok: true });
    const after = await db().reward.findUniqueOrThrow({ where: { id } });
    expect([JSON.parse(after.config), after.expiryDays]).toEqual([{ notify: false }, null]);
    expect(await db().auditEvent.count({ where: { shopId, subjectId: id } })).toBe(2);
  });

  it("refuses impossible values with a clear error on each field, and changes nothing", async () => {
    const rewardsBefore = await db().reward.count({ where: { shopId } });
    const auditBefore = await db().auditEvent.count({ where: { shopId } });
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ value: "" }, { value: "Enter the store credit amount" }],
      [{ value: "0" }, { value: "The store credit must be more than 0" }],
      [{ value: "-5" }, { value: "The store credit must be more than 0" }],
      [{ value: "abc" }, { value: "Enter an amount like 5.00" }],
      [{ value: "99999999" }, { value: "The amount is too large" }],
      [{ pointsCost: "0" }, { pointsCost: "The cost must be at least 1 point" }],
      [{ pointsCost: "2.5" }, { pointsCost: "Points must be a whole number" }],
      [{ expiryDays: "0" }, { expiryDays: "Store credit can be valid for 1 to 365 days" }],
      [{ expiryDays: "400" }, { expiryDays: "Store credit can be valid for 1 to 365 days" }],
      [{ minOrder: "20" }, { minOrder: "Store credit has no minimum order: leave it empty" }],
      [{ value: "0", pointsCost: "", expiryDays: "-1" }, { value: "The store credit must be more than 0", pointsCost: "Enter a cost in points", expiryDays: "Store credit can be valid for 1 to 365 days" }],
    ];
    for (const [fields, errors] of cases) {
      const result = await post("new", { ...VALID, ...fields });
      expect({ fields, result }).toEqual({ fields, result: { ok: false, errors } });
    }
    expect(await db().reward.count({ where: { shopId } })).toBe(rewardsBefore);
    expect(await db().auditEvent.count({ where: { shopId } })).toBe(auditBefore);

    // An existing reward stays as it was when an edit is refused.
    const created = await post("new", VALID);
    const id = created.ok && created.intent === "save" ? created.id : "";
    const stored = await db().reward.findUniqueOrThrow({ where: { id } });
    expect(await post(id, { ...VALID, value: "-1", notify: "false" })).toMatchObject({ ok: false, errors: { value: "The store credit must be more than 0" } });
    expect(await db().reward.findUniqueOrThrow({ where: { id } })).toEqual(stored);
  });
});
