import { describe, expect, it } from "vitest";
import { isPermanentRecipientRejection, fromHeader } from "../../app/jobs/email-job.server";
import { mjmlCompilations, renderEmail, type EmailBrand } from "../../app/loyalty/notify/email-render.server";
import { emailLanguage, parseEmailOccasions, serializeEmailOccasions } from "../../app/loyalty/notify/email-settings";
import { DEFAULT_EMAIL_TEXTS, EMAIL_CHROME } from "../../app/loyalty/notify/email-texts";
import { SAMPLE_MEMBER, SAMPLE_OCCASION_DATA } from "../../app/loyalty/notify/emails-page";
import { EMAIL_OCCASION_KINDS, OCCASION_KINDS } from "../../app/loyalty/notify/occasions";
import { unsubscribeUrl, verifyUnsubscribe } from "../../app/loyalty/notify/unsubscribe";
import { WIDGET_LANGUAGES } from "../../app/loyalty/program/settings";

// Loyalty emails without a database: templates in every language, the compile cache,
// language choice, signed unsubscribe links, the settings' JSON, SMTP error classes.

const brand: EmailBrand = {
  shopName: "Kahvila <Aino>",
  programName: "Club",
  accent: "#7a1f5c",
  onAccent: null,
  logoUrl: null,
  rewardsUrl: "https://shop.example.com/pages/rewards",
  currencyCode: "EUR",
  pointsNames: {},
};
const UNSUB = "https://kanta.example.com/email/unsubscribe?s=shop&m=member&t=abc";

describe("email templates", () => {
  it("every email occasion renders in every widget language: HTML and text with the balance, the button, tier progress and the unsubscribe link", async () => {
    expect(EMAIL_OCCASION_KINDS).toEqual(OCCASION_KINDS.filter((k) => k !== "reward_redeemed" && k !== "referral_completed"));
    for (const kind of EMAIL_OCCASION_KINDS) {
      for (const { code } of WIDGET_LANGUAGES) {
        const email = await renderEmail({ kind, data: SAMPLE_OCCASION_DATA[kind] as never, language: code, text: DEFAULT_EMAIL_TEXTS[kind][code], brand, member: SAMPLE_MEMBER, unsubscribeUrl: UNSUB });
        const where = `${kind}/${code}`;
        // Every default placeholder is filled.
        expect(email.subject, where).not.toMatch(/\{[a-z_]+\}/);
        expect(email.text, where).not.toMatch(/\{[a-z_]+\}/);
        expect(email.html, where).not.toContain("%%");
        const chrome = EMAIL_CHROME[code];
        const balanceLabel = chrome.balance.split("{")[0]!;
        for (const part of [balanceLabel, chrome.button, chrome.unsubscribe]) {
          expect(email.html, where).toContain(part);
          expect(email.text, where).toContain(part);
        }
        expect(email.html, where).toContain('href="https://shop.example.com/pages/rewards"');
        expect(email.html, where).toContain(UNSUB.replace(/&/g, "&amp;"));
        expect(email.text, where).toContain(UNSUB);
        expect(email.text, where).toContain("Silver");
        expect(email.html, where).toContain("#7a1f5c");
        // Shop names are text, never markup.
        expect(email.html, where).toContain("Kahvila &lt;Aino&gt;");
        expect(email.html, where).not.toContain("Kahvila <Aino>");
        expect(email.html, where).toContain(`lang="${code}"`);
      }
    }
  });

  it("reads Finnish in Finnish: dates, numbers and plural words by the language (0036)", async () => {
    const render = (language: "fi" | "pl" | "en", points: number) =>
      renderEmail({ kind: "points_expiring", data: { points, expiresOn: "2026-12-31" } as never, language, text: DEFAULT_EMAIL_TEXTS.points_expiring[language], brand, member: { ...SAMPLE_MEMBER, points }, unsubscribeUrl: UNSUB });
    const fi = await render("fi", 1500);
    // Finnish groups thousands with a space (1 500), not a comma.
    expect(fi.subject).toMatch(/^1\s500 pistettä vanhenee 31\. joulukuuta 2026$/);
    expect(fi.text).toMatch(/Saldosi: 1\s500 pistettä/);
    expect(fi.text).not.toMatch(/12\/31|December/);
    expect((await render("pl", 3)).subject).toContain("3 punkty");
    expect((await render("pl", 5)).subject).toContain("5 punktów");
    expect((await render("en", 1)).subject).toBe("1 point expire on December 31, 2026");
  });

  it("compiles MJML once per language and layout, however many emails render", async () => {
    const render = (n: number) => renderEmail({ kind: "points_earned", data: { points: n }, language: "da", text: DEFAULT_EMAIL_TEXTS.points_earned.da, brand, member: SAMPLE_MEMBER, unsubscribeUrl: UNSUB });
    await render(1);
    const before = mjmlCompilations;
    const emails = await Promise.all(Array.from({ length: 200 }, (_, i) => render(i + 2)));
    expect(mjmlCompilations).toBe(before);
    expect(new Set(emails.map((e) => e.subject)).size).toBe(200);
  });

  it("shows the logo when the shop has one, and the code box for a code", async () => {
    const email = await renderEmail({
      kind: "friend_welcome_code",
      data: { code: "FRIEND-7Q2K", rewardText: "10% off" } as never,
      language: "en",
      text: DEFAULT_EMAIL_TEXTS.friend_welcome_code.en,
      brand: { ...brand, logoUrl: "https://cdn.example.com/logo.png?a=1&b=2" },
      member: { firstName: null, points: 0, tier: null },
      unsubscribeUrl: UNSUB,
    });
    expect(email.html).toContain('src="https://cdn.example.com/logo.png?a=1&amp;b=2"');
    expect(email.html).toContain("FRIEND-7Q2K");
    expect(email.text).toContain("Your code: FRIEND-7Q2K");
    expect(email.subject).toBe("A gift from Your friend: 10% off");
  });
});

describe("language, links, settings, errors", () => {
  it("chooses the member's language, else the shop's primary language, else English", () => {
    expect(emailLanguage("fi-FI", "sv")).toBe("fi");
    expect(emailLanguage("ja", "sv-SE")).toBe("sv");
    expect(emailLanguage(null, "da")).toBe("da");
    expect(emailLanguage("ko", "ja")).toBe("en");
    // The languages of 0036, with their regional and alias tags.
    expect(emailLanguage("pt-BR", "en")).toBe("pt-BR");
    expect(emailLanguage("no", "en")).toBe("nb");
    expect(emailLanguage("de-CH", "fi")).toBe("de");
  });

  it("an unsubscribe link verifies only as signed", () => {
    const url = new URL(unsubscribeUrl("https://kanta.example.com", "secret-1", { shopId: "s1", memberId: "m1" }));
    expect(verifyUnsubscribe("secret-1", url.searchParams)).toEqual({ shopId: "s1", memberId: "m1" });
    expect(verifyUnsubscribe("secret-2", url.searchParams)).toBeNull();
    for (const [k, v] of [["m", "m2"], ["s", "s2"], ["t", "x"]] as const) {
      const p = new URLSearchParams(url.searchParams);
      p.set(k, v);
      expect(verifyUnsubscribe("secret-1", p)).toBeNull();
    }
    const both = new URLSearchParams(url.searchParams);
    both.set("e", "a@b.c");
    expect(verifyUnsubscribe("secret-1", both)).toBeNull();
  });

  it("settings: defaults on, marketing-like occasions subscribed-only, bad JSON reads as defaults, only differences stored", () => {
    const defaults = parseEmailOccasions("{}");
    expect(Object.values(defaults).every((s) => s.on)).toBe(true);
    expect(defaults.winback.audience).toBe("subscribed");
    expect(defaults.points_earned.audience).toBe("all");
    expect(parseEmailOccasions("not json", { onInvalid: () => {} })).toEqual(defaults);
    expect(serializeEmailOccasions(defaults)).toBe("{}");
    const changed = { ...defaults, welcome: { on: false, audience: "all" as const, texts: { fi: { subject: "Moi", text: "Hei" } } } };
    expect(parseEmailOccasions(serializeEmailOccasions(changed))).toEqual(changed);
  });

  it("a 5xx to RCPT TO (or 550/551/553) is a permanent rejection of the address; 4xx and other failures are not", () => {
    expect(isPermanentRecipientRejection({ responseCode: 550, command: "DATA" })).toBe(true);
    expect(isPermanentRecipientRejection({ responseCode: 552, command: "RCPT TO" })).toBe(true);
    expect(isPermanentRecipientRejection({ responseCode: 554, command: "DATA" })).toBe(false);
    expect(isPermanentRecipientRejection({ responseCode: 451, command: "RCPT TO" })).toBe(false);
    expect(isPermanentRecipientRejection(new Error("ECONNREFUSED"))).toBe(false);
  });

  it("the From header carries the sender name safely in front of the operator's address", () => {
    expect(fromHeader("Kahvila \"Aino\"\r\nBcc: x", "Shop", "loyalty@kanta.example")).toBe('"Kahvila AinoBcc: x" <loyalty@kanta.example>');
    expect(fromHeader(null, "Shop", "loyalty@kanta.example")).toBe('"Shop" <loyalty@kanta.example>');
  });
});
