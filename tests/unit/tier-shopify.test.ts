import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CUSTOMER_TAGS_REMOVE, CUSTOMER_TIER_SYNC, FLOW_TRIGGER_RECEIVE } from "../../app/shopify/documents";
import { KANTA_TIER_FLOW_TRIGGER, customerNumericId, fireTierChangedFlow, syncCustomerTier, tierFlowPayload } from "../../app/shopify/customers.server";
import { AdminEmulator } from "../../app/local/emulator.server";
import { DEMO_SHOP } from "../../app/local/demo-shop";
import { loadAdminSchema, validateAdminDocument } from "../../app/local/admin-schema.server";
import { ShopifyApiError, ShopifyUserError } from "../../app/shopify/graphql";

// The tier's Shopify side: documents valid against the Admin schema, the emulator answering
// them like Shopify (userErrors included), and the Flow trigger extension matching what Kanta sends.

const customer = "gid://shopify/Customer/7390000001001";

function emulator() {
  const e = new AdminEmulator(loadAdminSchema());
  e.addShop(DEMO_SHOP);
  e.addFlowTrigger(KANTA_TIER_FLOW_TRIGGER);
  return { e, client: e.client(DEMO_SHOP.myshopifyDomain), shop: DEMO_SHOP.myshopifyDomain };
}

describe("tier documents", () => {
  it("are valid against Shopify's Admin schema", () => {
    for (const doc of [CUSTOMER_TIER_SYNC, CUSTOMER_TAGS_REMOVE, FLOW_TRIGGER_RECEIVE]) expect(validateAdminDocument(doc)).toEqual([]);
  });
});

describe("syncCustomerTier through the emulator", () => {
  it("adds the tier's tag, removes the others, keeps the merchant's own tags, sets the metafield", async () => {
    const { e, client, shop } = emulator();
    await client(`mutation { tagsAdd(id: "${customer}", tags: ["wholesale", "kanta-tier-bronze"]) { userErrors { message } } }`);
    await syncCustomerTier(client, { customerGid: customer, tierName: "Gold", otherTierNames: ["Bronze", "Silver", "Platinum"] });
    // The member tag rides along (members-only products, 0034) and is never taken off.
    expect(e.customerTags(shop, customer)).toEqual(["wholesale", "kanta-tier-gold", "kanta-member"]);
    expect(e.customerMetafield(shop, customer, "$app:kanta", "tier")?.value).toBe("Gold");
    // Idempotent.
    await syncCustomerTier(client, { customerGid: customer, tierName: "Gold", otherTierNames: ["Bronze"] });
    expect(e.customerTags(shop, customer)).toEqual(["wholesale", "kanta-tier-gold", "kanta-member"]);
    // No tier: only removal.
    await syncCustomerTier(client, { customerGid: customer, tierName: null, otherTierNames: ["Gold"] });
    expect(e.customerTags(shop, customer)).toEqual(["wholesale", "kanta-member"]);
    // A one-tier ladder: nothing to remove (tagsRemove is left out of the request).
    await syncCustomerTier(client, { customerGid: customer, tierName: "Member", otherTierNames: [] });
    expect(e.calls.at(-1)?.variables).toMatchObject({ hasRemove: false, remove: [] });
    expect(e.customerTags(shop, customer)).toEqual(["wholesale", "kanta-member", "kanta-tier-member"]);
  });

  it("reports Shopify's userErrors as ShopifyUserError", async () => {
    const { e, client } = emulator();
    e.deleteCustomer(customer);
    await expect(syncCustomerTier(client, { customerGid: customer, tierName: "Gold", otherTierNames: [] })).rejects.toThrow(ShopifyUserError);
    await expect(syncCustomerTier(client, { customerGid: customer, tierName: "Gold", otherTierNames: [] })).rejects.toThrow("tagsAdd: id: Resource not found");
    const { client: other } = emulator();
    const bad = await other(
      `mutation { metafieldsSet(metafields: [{ ownerId: "${customer}", namespace: "$app:kanta", key: "t", type: "single_line_text_field", value: "two\\nlines" }]) { userErrors { field message code } } }`,
    );
    const body = (await bad.json()) as { data: { metafieldsSet: { userErrors: { field: string[]; code: string }[] } } };
    expect(body.data.metafieldsSet.userErrors.map((u) => [u.field.join("."), u.code])).toEqual([
      ["metafields.0.key", "INVALID"],
      ["metafields.0.value", "INVALID_VALUE"],
    ]);
  });
});

describe("the Flow trigger", () => {
  it("matches the extension's TOML: handle and fields", () => {
    const toml = readFileSync(path.join(import.meta.dirname, "..", "..", "extensions", "kanta-tier-flow", "shopify.extension.toml"), "utf8");
    expect(toml).toMatch(/^type = "flow_trigger"$/m);
    expect(/^handle = "([^"]+)"$/m.exec(toml)?.[1]).toBe(KANTA_TIER_FLOW_TRIGGER.handle);
    const fields = toml
      .split("[[settings.fields]]")
      .slice(1)
      .map((block) => ({ type: /type = "([^"]+)"/.exec(block)?.[1], key: /key = "([^"]+)"/.exec(block)?.[1] }))
      .map((f) => (f.key ? f : { type: f.type }));
    expect(fields).toEqual(KANTA_TIER_FLOW_TRIGGER.fields);
    expect(KANTA_TIER_FLOW_TRIGGER.handle.length).toBeLessThanOrEqual(30);
  });

  it("sends the customer's numeric id and the tiers, and Shopify's emulator accepts it", async () => {
    const { e, client, shop } = emulator();
    const change = { customerGid: customer, fromTier: null, toTier: "Bronze", reason: "qualified" };
    expect(tierFlowPayload(change)).toEqual({ customer_id: 7390000001001, "Old tier": "", "New tier": "Bronze", Reason: "qualified" });
    await fireTierChangedFlow(client, change);
    expect(e.flowRuns(shop).map((r) => r.payload)).toEqual([tierFlowPayload(change)]);
    // An unknown handle is refused like Shopify refuses it.
    const unknown = await client(`mutation { flowTriggerReceive(handle: "nope", payload: {}) { userErrors { field message } } }`);
    expect(JSON.stringify(await unknown.json())).toMatch(/Trigger with handle 'nope' not found/);
    expect(() => customerNumericId("gid://shopify/Customer/99999999999999999999")).toThrow(ShopifyApiError);
  });
});
