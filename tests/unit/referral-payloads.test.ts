import { describe, expect, it } from "vitest";
import { parseShopifyJson } from "../../app/webhooks/json";
import { toOrderSnapshot } from "../../app/webhooks/payloads";
import { documentedExample, orderPayload, toShopifyJson } from "../fixtures/payloads";

// What the referral program reads from order payloads (note_attributes, discount codes,
// contact details), validated against Shopify's documented examples.

describe("referral facts in order payloads", () => {
  it("reads every documented order example, which carries no referral", () => {
    for (const topic of ["orders/paid", "orders/updated", "orders/cancelled", "orders/create"]) {
      const snapshot = toOrderSnapshot(documentedExample(topic));
      expect(snapshot.referral.visitorToken, topic).toBeNull();
      expect(snapshot.referral.email, topic).toMatch(/@example\.com$/);
    }
    const paid = toOrderSnapshot(documentedExample("orders/paid"));
    expect(paid.referral.addresses[0]).toEqual({ address1: "123 Shipping Street", address2: null, city: "Shippington", zip: "40003", countryCode: "US" });
    expect(paid.referral.phones).toContain("555-555-SHIP");
  });

  it("reads the kanta_ref cart attribute, the friend's code and contact details", () => {
    const token = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
    const payload = orderPayload({
      id: "820982911946154508",
      customerId: "115310627314723954",
      lines: [{ price: "10.00" }],
      updatedAt: "2026-11-01T00:00:00Z",
      noteAttributes: { gift_note: "hi", kanta_ref: token },
      discountCodes: ["FRIEND-AB23-CD45"],
      email: "friend@example.com",
      phone: "+358 40 111 2222",
      shippingAddress: { address1: "Aleksanterinkatu 5", zip: "00100", countryCode: "FI", phone: "040 333 4444" },
    });
    const snapshot = toOrderSnapshot(parseShopifyJson(toShopifyJson(payload)));
    expect(snapshot.referral).toEqual({
      visitorToken: token,
      email: "friend@example.com",
      phones: ["+358 40 111 2222", "040 333 4444"],
      addresses: [
        { address1: "Aleksanterinkatu 5", address2: null, city: "Helsinki", zip: "00100", countryCode: "FI" },
        { address1: "Aleksanterinkatu 5", address2: null, city: "Helsinki", zip: "00100", countryCode: "FI" },
      ],
    });
    expect(snapshot.discountCodes).toEqual(["FRIEND-AB23-CD45"]);
  });

  it("ignores a malformed kanta_ref, and orders without addresses", () => {
    const payload = { ...orderPayload({ id: "1", customerId: null, lines: [{ price: "10.00" }], updatedAt: "2026-11-01T00:00:00Z", noteAttributes: { kanta_ref: "<script>" } }), shipping_address: null, billing_address: null };
    const snapshot = toOrderSnapshot(payload);
    expect(snapshot.referral.visitorToken).toBeNull();
    expect(snapshot.referral.addresses).toEqual([]);
    expect(snapshot.customerGid).toBeNull();
  });
});
