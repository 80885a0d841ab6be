import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { DEFAULT_REFERRAL_SETTINGS, parseReferralSettings, serializeReferralSettings, settingsToDraft, validateReferralSettings, type ReferralSettingsDraft } from "../../app/loyalty/referrals/settings";
import { calendarMonthBounds, computeDueBonuses, computeReferralDiscountSpec, computeReferralStep, isLinkPreviewBot, orderQualifies } from "../../app/loyalty/referrals/lifecycle";
import { checkAlreadyReferred, checkExistingCustomer, checkMonthlyCap, checkReferrerActive, checkSameAddress, checkSameEmail, checkSamePhone, checkSelfReferral, checkSelfVisit, decideReferral, normaliseAddress, normalisePhone, parseReasons, type PartyFacts } from "../../app/loyalty/referrals/fraud";
import { isValidEmail, normaliseEmail } from "../../app/loyalty/members/contact";
import { generateFriendCode, generateReferralCode, isFriendCode, isVisitorToken, normaliseReferralCode } from "../../app/loyalty/referrals/codes";

const party = (p: Partial<PartyFacts>): PartyFacts => ({ customerGid: null, emails: [], phones: [], addresses: [], ...p });
const street = (address1: string, zip = "00100", countryCode = "FI") => ({ address1, address2: null, city: "Helsinki", zip, countryCode });

describe("referral codes", () => {
  it("are 8 characters from an alphabet without look-alikes, uniformly drawn", () => {
    const codes = new Set(Array.from({ length: 2000 }, () => generateReferralCode((n) => randomBytes(n))));
    expect(codes.size).toBe(2000);
    for (const code of codes) expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
    // Bytes at or above the largest multiple of 30 are skipped, not folded (no bias to the first letters).
    const bytes = [255, 240, 0, 29, 30, 239, 1, 2, 3, 4, 250, 5];
    let i = 0;
    const fixed = generateReferralCode((n) => Uint8Array.from({ length: n }, () => bytes[i++ % bytes.length]!));
    expect(fixed).toBe("2Z2Z3456"); // 255, 240 and 250 skipped; 0 -> "2", 29 -> "Z", 30 -> "2", 239 -> "Z"
  });

  it("normalises what a shopper types and refuses anything else", () => {
    expect(normaliseReferralCode(" 7qx4m2pd ")).toBe("7QX4M2PD");
    expect(normaliseReferralCode("7QX4M2P0")).toBeNull(); // 0 is not in the alphabet
    expect(normaliseReferralCode("7QX4M2P")).toBeNull();
    expect(normaliseReferralCode("../../x")).toBeNull();
  });

  it("marks friend codes so order events can skip other discount codes", () => {
    const code = generateFriendCode((n) => randomBytes(n));
    expect(code).toMatch(/^FRIEND-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
    expect(isFriendCode(code.toLowerCase())).toBe(true);
    expect(isFriendCode("KANTA-7QX4-M2PD")).toBe(false);
  });

  it("accepts only well-formed visitor tokens", () => {
    expect(isVisitorToken(randomBytes(24).toString("base64url"))).toBe(true);
    expect(isVisitorToken("short")).toBe(false);
    expect(isVisitorToken(`${"a".repeat(31)}!`)).toBe(false);
    expect(isVisitorToken(null)).toBe(false);
  });
});

describe("normalisation", () => {
  it("emails: case, plus tags, Gmail dots and googlemail", () => {
    expect(normaliseEmail(" Aino.Virtanen+shop@GMail.com ")).toBe("ainovirtanen@gmail.com");
    expect(normaliseEmail("ainovirtanen@googlemail.com")).toBe("ainovirtanen@gmail.com");
    expect(normaliseEmail("aino.virtanen+x@example.fi")).toBe("aino.virtanen@example.fi"); // dots matter elsewhere
    expect(normaliseEmail("not-an-email")).toBeNull();
    expect(normaliseEmail("")).toBeNull();
  });

  it("validates email addresses", () => {
    expect(isValidEmail("friend@example.com")).toBe(true);
    expect(isValidEmail("friend@example")).toBe(false);
    expect(isValidEmail("friend example.com")).toBe(false);
    expect(isValidEmail(`${"a".repeat(250)}@x.com`)).toBe(false);
  });

  it("addresses: case, accents, punctuation and street words do not matter; postcode and country do", () => {
    const a = normaliseAddress({ address1: "Mannerheimintie 12 B, apt 4", address2: null, city: "Helsinki", zip: "00100", countryCode: "FI" });
    const b = normaliseAddress({ address1: "MANNERHEIMINTIE 12B", address2: "Apartment 4", city: "HKI", zip: "00 100", countryCode: "fi" });
    expect(a).toBe(b);
    expect(normaliseAddress(street("Elm Street 1", "K2H7A8", "CA"))).toBe(normaliseAddress(street("elm st. 1", "k2h 7a8", "CA")));
    expect(normaliseAddress(street("Mannerheimintie 12", "00100"))).not.toBe(normaliseAddress(street("Mannerheimintie 12", "00200")));
    expect(normaliseAddress(street("Söderkulla 3"))).toBe(normaliseAddress(street("Soderkulla 3")));
    expect(normaliseAddress({ address1: " ", address2: null, city: null, zip: null, countryCode: null })).toBeNull();
  });

  it("phones: the last nine digits, so national and international forms match", () => {
    expect(normalisePhone("+358 40 123 4567")).toBe(normalisePhone("040-123 4567"));
    expect(normalisePhone("12345")).toBeNull();
    expect(normalisePhone(null)).toBeNull();
  });
});

describe("fraud rules", () => {
  const referrer = party({
    customerGid: "gid://shopify/Customer/1",
    emails: ["aino.virtanen@gmail.com"],
    phones: ["+358 40 123 4567"],
    addresses: [street("Mannerheimintie 12")],
  });

  it("self referral: the same Shopify customer", () => {
    expect(checkSelfReferral(referrer, party({ customerGid: "gid://shopify/Customer/1" }))).toBe("self_referral");
    expect(checkSelfReferral(referrer, party({ customerGid: "gid://shopify/Customer/2" }))).toBeNull();
    expect(checkSelfReferral(party({}), party({}))).toBeNull(); // two guests are not the same person
  });

  it("same email, after normalisation", () => {
    expect(checkSameEmail(referrer, party({ emails: ["AinoVirtanen+friend@googlemail.com"] }))).toBe("same_email");
    expect(checkSameEmail(referrer, party({ emails: ["friend@example.com"] }))).toBeNull();
  });

  it("same address, after normalisation", () => {
    expect(checkSameAddress(referrer, party({ addresses: [street("MANNERHEIMINTIE 12")] }))).toBe("same_address");
    expect(checkSameAddress(referrer, party({ addresses: [street("Aleksanterinkatu 1")] }))).toBeNull();
  });

  it("same phone", () => {
    expect(checkSamePhone(referrer, party({ phones: ["0401234567"] }))).toBe("same_phone");
    expect(checkSamePhone(referrer, party({ phones: ["+358 50 999 9999"] }))).toBeNull();
  });

  it("self visit, already referred, existing customer, monthly cap, inactive referrer", () => {
    expect(checkSelfVisit({ selfVisit: true })).toBe("self_visit");
    expect(checkSelfVisit({ selfVisit: false })).toBeNull();
    expect(checkAlreadyReferred(1)).toBe("already_referred");
    expect(checkAlreadyReferred(0)).toBeNull();
    expect(checkExistingCustomer({ earlierOrders: 1, shopifyOrderCount: null })).toBe("existing_customer");
    expect(checkExistingCustomer({ earlierOrders: 0, shopifyOrderCount: 2 })).toBe("existing_customer");
    expect(checkExistingCustomer({ earlierOrders: 0, shopifyOrderCount: 1 })).toBeNull(); // this order itself
    expect(checkMonthlyCap(3, 3)).toBe("monthly_cap");
    expect(checkMonthlyCap(2, 3)).toBeNull();
    expect(checkMonthlyCap(99, null)).toBeNull();
    expect(checkReferrerActive("excluded")).toBe("referrer_inactive");
    expect(checkReferrerActive("active")).toBeNull();
  });

  it("decides: always-rejected reasons and reasons set to reject reject; the rest hold", () => {
    const review = DEFAULT_REFERRAL_SETTINGS.review;
    expect(decideReferral([null, null], review)).toEqual({ action: "accept" });
    expect(decideReferral(["same_address", null], review)).toEqual({ action: "hold", reasons: ["same_address"] });
    expect(decideReferral(["same_address", "self_referral"], review)).toEqual({ action: "reject", reasons: ["self_referral"] });
    expect(decideReferral(["same_email"], review)).toEqual({ action: "reject", reasons: ["same_email"] });
    expect(decideReferral(["same_email"], { ...review, same_email: "hold" })).toEqual({ action: "hold", reasons: ["same_email"] });
    expect(parseReasons("same_address,bogus,same_phone")).toEqual(["same_address", "same_phone"]);
  });
});

describe("the life cycle", () => {
  const now = new Date("2026-11-20T12:00:00Z");
  const later = new Date("2026-12-01T00:00:00Z");

  it("a qualifying order is paid, not cancelled and kept in part", () => {
    expect(orderQualifies({ paid: true, cancelled: false, netMinor: 1 })).toBe(true);
    expect(orderQualifies({ paid: false, cancelled: false, netMinor: 100 })).toBe(false);
    expect(orderQualifies({ paid: true, cancelled: true, netMinor: 100 })).toBe(false);
    expect(orderQualifies({ paid: true, cancelled: false, netMinor: 0 })).toBe(false);
  });

  it("pending completes after its waiting period, cancels when its order stops qualifying; held waits; completed reverses; others are final", () => {
    expect(computeReferralStep({ status: "pending", rewardAvailableAt: later }, true, now)).toBe("none");
    expect(computeReferralStep({ status: "pending", rewardAvailableAt: later }, true, later)).toBe("complete");
    expect(computeReferralStep({ status: "pending", rewardAvailableAt: later }, false, now)).toBe("cancel");
    expect(computeReferralStep({ status: "held", rewardAvailableAt: now }, true, later)).toBe("none");
    expect(computeReferralStep({ status: "held", rewardAvailableAt: now }, false, later)).toBe("cancel");
    // Paid, then the friend's order was cancelled or refunded in full: the reward is taken back (0016).
    expect(computeReferralStep({ status: "completed", rewardAvailableAt: now }, false, later)).toBe("reverse");
    expect(computeReferralStep({ status: "completed", rewardAvailableAt: now }, true, later)).toBe("none");
    for (const status of ["rejected", "cancelled", "visited", "friend_rewarded"]) {
      expect(computeReferralStep({ status, rewardAvailableAt: now }, false, later)).toBe("none");
    }
  });

  it("tier bonuses are due once each, including ones a member passed while they were missed", () => {
    const bonuses = [{ count: 3, points: 200 }, { count: 5, points: 500 }];
    expect(computeDueBonuses(bonuses, 2, new Set())).toEqual([]);
    expect(computeDueBonuses(bonuses, 3, new Set())).toEqual([{ count: 3, points: 200 }]);
    expect(computeDueBonuses(bonuses, 4, new Set([3]))).toEqual([]);
    expect(computeDueBonuses(bonuses, 6, new Set([3]))).toEqual([{ count: 5, points: 500 }]);
  });

  it("months are the shop's local calendar months", () => {
    // 23:30 UTC on 31 Oct is already 1 Nov in Helsinki (UTC+2 in winter).
    const b = calendarMonthBounds(new Date("2026-10-31T23:30:00Z"), "Europe/Helsinki");
    expect(b.start.toISOString()).toBe("2026-10-31T22:00:00.000Z");
    expect(b.end.toISOString()).toBe("2026-11-30T22:00:00.000Z");
    const utc = calendarMonthBounds(new Date("2026-02-10T00:00:00Z"), "Not/AZone");
    expect(utc.start.toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });
});

describe("discount specs", () => {
  const now = new Date("2026-11-20T12:00:00Z");
  it("the friend's code is for anyone holding it, with the settings' value, minimum and end", () => {
    const spec = computeReferralDiscountSpec(
      { type: "amount_off", percentOff: null, valueMinor: 1000, minOrderMinor: 5000, expiryDays: 30 },
      { code: "FRIEND-AAAA-BBBB", title: "t", customerGid: null, currencyCode: "EUR", now },
    );
    expect(spec).toMatchObject({ kind: "amount", amount: "10.00", minimumSubtotal: "50.00", customerGid: null });
    expect(spec.endsAt?.toISOString()).toBe("2026-12-20T12:00:00.000Z");
    const percent = computeReferralDiscountSpec({ type: "percent_off", percentOff: 15, valueMinor: null, minOrderMinor: null, expiryDays: null }, { code: "X", title: "t", customerGid: "gid://shopify/Customer/1", currencyCode: "JPY", now });
    expect(percent).toMatchObject({ kind: "percent", percentage: 0.15, endsAt: null, minimumSubtotal: null, customerGid: "gid://shopify/Customer/1" });
    expect(computeReferralDiscountSpec({ type: "free_shipping", percentOff: null, valueMinor: null, minOrderMinor: 3000, expiryDays: null }, { code: "X", title: "t", customerGid: null, currencyCode: "EUR", now })).toMatchObject({ kind: "free_shipping", minimumSubtotal: "30.00" });
  });
});

describe("settings", () => {
  const valid = (): ReferralSettingsDraft => settingsToDraft({ ...DEFAULT_REFERRAL_SETTINGS, enabled: true, bonuses: [{ count: 3, points: 200 }] }, "EUR");

  it("round-trip through the form and storage", () => {
    const result = validateReferralSettings(valid(), "EUR");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(parseReferralSettings(serializeReferralSettings(result.settings))).toEqual(result.settings);
    expect(result.settings).toMatchObject({ enabled: true, friend: { type: "percent_off", percentOff: 10 }, referrer: { type: "points", points: 500 }, bonuses: [{ count: 3, points: 200 }] });
  });

  it("reads unreadable storage as the defaults", () => {
    expect(parseReferralSettings("not json")).toEqual(DEFAULT_REFERRAL_SETTINGS);
    expect(parseReferralSettings('{"enabled":"yes"}')).toEqual(DEFAULT_REFERRAL_SETTINGS);
    expect(parseReferralSettings('{"enabled":true}').enabled).toBe(true);
  });

  it("refuses each invalid input with its own message", () => {
    const cases: [Partial<ReferralSettingsDraft>, string, string][] = [
      [{ friendType: "free_money" }, "friendType", "Choose what your friends get"],
      [{ friendType: "percent_off", friendPercent: "0" }, "friendPercent", "Enter a whole percentage from 1 to 100"],
      [{ friendType: "percent_off", friendPercent: "101" }, "friendPercent", "Enter a whole percentage from 1 to 100"],
      [{ friendType: "percent_off", friendPercent: "12.5" }, "friendPercent", "Enter a whole percentage from 1 to 100"],
      [{ friendType: "amount_off", friendAmount: "" }, "friendAmount", "Enter an amount greater than 0, like 5.00"],
      [{ friendType: "amount_off", friendAmount: "5.0011" }, "friendAmount", "EUR amounts have at most 2 decimals"],
      [{ friendType: "amount_off", friendAmount: "10.00", friendMinOrder: "5.00" }, "friendMinOrder", "The minimum order must be at least the discount amount"],
      [{ friendMinOrder: "abc" }, "friendMinOrder", "Enter an amount like 25.00, or leave it empty"],
      [{ friendExpiryDays: "0" }, "friendExpiryDays", "Enter a number of days from 1 to 365, or leave it empty"],
      [{ referrerType: "cash" }, "referrerType", "Choose what members get"],
      [{ referrerType: "points", referrerPoints: "0" }, "referrerPoints", "Enter whole points from 1 to 100,000"],
      [{ referrerType: "points", referrerPoints: "100001" }, "referrerPoints", "Enter whole points from 1 to 100,000"],
      [{ referrerType: "percent_off", referrerPercent: "" }, "referrerPercent", "Enter a whole percentage from 1 to 100"],
      [{ monthlyCap: "-1" }, "monthlyCap", "Enter a whole number from 1 to 1,000, or leave it empty"],
      [{ bonuses: [{ count: "x", points: "100" }] }, "bonuses.0.count", "Enter a number of referrals from 1 to 1,000"],
      [{ bonuses: [{ count: "3", points: "0" }] }, "bonuses.0.points", "Enter whole points from 1 to 100,000"],
      [{ bonuses: [{ count: "3", points: "100" }, { count: "3", points: "200" }] }, "bonuses.1.count", "Each bonus needs a different number of referrals"],
      [{ bonuses: Array.from({ length: 11 }, (_, i) => ({ count: String(i + 1), points: "10" })) }, "bonuses", "Add at most 10 bonuses"],
      [{ review: { same_address: "ignore" } }, "review.same_address", "Choose hold for review or reject"],
    ];
    for (const [change, field, message] of cases) {
      const result = validateReferralSettings({ ...valid(), ...change }, "EUR");
      expect(result.ok, field).toBe(false);
      if (!result.ok) expect(result.errors[field], JSON.stringify(change)).toBe(message);
    }
  });

  it("reads money in the shop currency's own decimals", () => {
    const yen = validateReferralSettings({ ...valid(), friendType: "amount_off", friendAmount: "1000" }, "JPY");
    expect(yen.ok && yen.settings.friend.valueMinor).toBe(1000);
    const euro = validateReferralSettings({ ...valid(), friendType: "amount_off", friendAmount: "10", friendMinOrder: "" }, "EUR");
    expect(euro.ok && euro.settings.friend).toMatchObject({ valueMinor: 1000, minOrderMinor: null });
    const typed = validateReferralSettings({ ...valid(), friendType: "amount_off", friendAmount: "5,50 €", friendMinOrder: "€1,500.00" }, "EUR");
    expect(typed.ok && typed.settings.friend).toMatchObject({ valueMinor: 550, minOrderMinor: 150_000 });
    const ambiguous = validateReferralSettings({ ...valid(), friendType: "amount_off", friendAmount: "1,500" }, "KWD");
    expect(ambiguous).toEqual({ ok: false, errors: { friendAmount: '"1,500" could mean 1500 or 1.500 KWD: type 1500 or 1.500' } });
  });
});

describe("link previews", () => {
  it("are not visits", () => {
    expect(isLinkPreviewBot("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")).toBe(true);
    expect(isLinkPreviewBot("WhatsApp/2.23.20.0")).toBe(true);
    expect(isLinkPreviewBot("Twitterbot/1.0")).toBe(true);
    expect(isLinkPreviewBot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1")).toBe(false);
    expect(isLinkPreviewBot(null)).toBe(false);
  });
});
