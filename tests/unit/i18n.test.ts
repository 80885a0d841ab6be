// Kanta's shopper-facing languages (0036): every catalogue complete, with the same
// placeholders and exactly the plural forms its language uses; locale negotiation; the
// merchant's overrides (validated, merged); translated names.
import { describe, expect, it } from "vitest";
import { CATALOGUES, placeholdersOf, pluralBase, textsFor } from "../../app/loyalty/i18n/catalogue";
import { LANGUAGE_CODES, matchLanguage, negotiateLanguage, type Language } from "../../app/loyalty/i18n/languages";
import { overrideProblem, parseTextOverrides, withOverride } from "../../app/loyalty/i18n/overrides";
import { parseTranslations, translated, translationsFromForm } from "../../app/loyalty/i18n/entity";
import { localizeNames } from "../../app/loyalty/storefront/localize";
import { DEFAULT_EMAIL_TEXTS, EMAIL_CHROME, EMAIL_PLACEHOLDERS, COMMON_PLACEHOLDERS, EMAIL_WORDS } from "../../app/loyalty/notify/email-texts";

/** The plural categories a language's whole numbers reach (0 to 10,000): the forms it must have. */
function categoriesUsed(language: Language): Set<string> {
  const rules = new Intl.PluralRules(language);
  const out = new Set<string>();
  for (let n = 0; n <= 10_000; n++) out.add(rules.select(n));
  return out;
}

const en = CATALOGUES.en;
const bases = [...new Set(Object.keys(en).map((k) => pluralBase(k) ?? k))];

describe("the widget's catalogues", () => {
  it("speaks the twelve languages", () => {
    expect([...LANGUAGE_CODES].sort()).toEqual(["da", "de", "en", "es", "fi", "fr", "it", "nb", "nl", "pl", "pt-BR", "sv"]);
  });

  for (const language of LANGUAGE_CODES) {
    it(`${language}: every text, the same placeholders, its own plural forms`, () => {
      const texts = CATALOGUES[language];
      const allowed = new Set(new Intl.PluralRules(language).resolvedOptions().pluralCategories as string[]);
      const used = categoriesUsed(language);
      const seenBases = new Set<string>();
      for (const [key, text] of Object.entries(texts)) {
        expect(text.trim(), `${language} ${key} is empty`).not.toBe("");
        const base = pluralBase(key);
        if (base) {
          expect(allowed.has(key.slice(base.length + 1)), `${language} ${key}: not a plural category of ${language}`).toBe(true);
          expect(placeholdersOf(text), `${language} ${key}`).toEqual(placeholdersOf(en[`${base}_other`]!));
          seenBases.add(base);
        } else {
          expect(key in en, `${language} ${key} is not in English`).toBe(true);
          expect(placeholdersOf(text), `${language} ${key}`).toEqual(placeholdersOf(en[key]!));
          seenBases.add(key);
        }
      }
      expect([...seenBases].sort()).toEqual([...bases].sort());
      // Every plural text has every form the language's whole numbers reach, and _other.
      for (const base of bases.filter((b) => `${b}_other` in en)) {
        for (const category of [...used, "other"]) expect(texts[`${base}_${category}`], `${language} ${base}_${category}`).toBeDefined();
      }
    });
  }

  it("Polish counts one, few and many; Finnish writes a space before %", () => {
    const pl = textsFor("pl");
    const pick = (n: number) => pl[`general.points_${new Intl.PluralRules("pl").select(n)}`]!.replace("{count}", String(n));
    expect([1, 2, 5, 22, 25].map(pick)).toEqual(["1 punkt", "2 punkty", "5 punktów", "22 punkty", "25 punktów"]);
    expect(textsFor("fi")["referral.percent_off"]).toMatch(/^\{percent\} %/);
    expect(textsFor("de")["referral.percent_off"]).toBe("{percent} % Rabatt");
  });
});

describe("choosing a language from the storefront's locale", () => {
  it.each([
    ["fi", "fi"],
    ["fi-FI", "fi"],
    ["pt-BR", "pt-BR"],
    ["pt-PT", "pt-BR"],
    ["pt", "pt-BR"],
    ["nb", "nb"],
    ["no", "nb"],
    ["nn-NO", "nb"],
    ["de-AT", "de"],
    ["en_GB", "en"],
    ["SV", "sv"],
  ])("%s -> %s", (locale, language) => {
    expect(negotiateLanguage(locale)).toBe(language);
  });

  it("falls back to English for a language Kanta does not speak, or none", () => {
    expect(matchLanguage("ja")).toBeNull();
    expect(negotiateLanguage("ja-JP")).toBe("en");
    expect(negotiateLanguage(null)).toBe("en");
    expect(negotiateLanguage("")).toBe("en");
  });
});

describe("the merchant's overrides", () => {
  it("refuses unknown keys and languages, empty texts and changed placeholders", () => {
    expect(overrideProblem("fi", "rewards.redeem", "Lunasta nyt")).toBeNull();
    expect(overrideProblem("fi", "rewards.nope", "x")).toEqual({ problem: "unknown_key" });
    expect(overrideProblem("ja", "rewards.redeem", "x")).toEqual({ problem: "unknown_language" });
    expect(overrideProblem("fi", "rewards.redeem", "  ")).toEqual({ problem: "empty" });
    expect(overrideProblem("fi", "rewards.need_more_one", "Tarvitset vielä pisteen")).toEqual({ problem: "placeholders", expected: ["count"] });
    expect(overrideProblem("fi", "member.greeting", "Moi {nimi}")).toEqual({ problem: "placeholders", expected: ["name"] });
    // Polish has a "few" form to override; English has none.
    expect(overrideProblem("pl", "general.points_few", "{count} pkt")).toBeNull();
    expect(overrideProblem("en", "general.points_few", "{count} pts")).toEqual({ problem: "unknown_key" });
  });

  it("merge over the built-in texts of their language only, and reset", () => {
    let overrides = withOverride({}, "fi", "rewards.redeem", "Lunasta nyt");
    overrides = withOverride(overrides, "de", "sections.rewards", "Belohnungen");
    expect(textsFor("fi", overrides)["rewards.redeem"]).toBe("Lunasta nyt");
    expect(textsFor("fi", overrides)["sections.rewards"]).toBe(CATALOGUES.fi["sections.rewards"]);
    expect(textsFor("de", overrides)["sections.rewards"]).toBe("Belohnungen");
    expect(textsFor("en", overrides)["rewards.redeem"]).toBe("Redeem");
    overrides = withOverride(overrides, "fi", "rewards.redeem", null);
    expect(overrides).toEqual({ de: { "sections.rewards": "Belohnungen" } });
  });

  it("reads back only valid stored overrides", () => {
    const stored = JSON.stringify({ fi: { "rewards.redeem": "Lunasta", "gone.key": "x", "member.greeting": "Moi" }, xx: { "rewards.redeem": "x" } });
    expect(parseTextOverrides(stored)).toEqual({ fi: { "rewards.redeem": "Lunasta" } });
    expect(parseTextOverrides("not json", { onInvalid: () => {} })).toEqual({});
  });

  it("a language without a newer key reads it in English, never its name", () => {
    const texts = textsFor("pl");
    for (const key of Object.keys(CATALOGUES.en).filter((k) => !pluralBase(k))) expect(texts[key]).toBeDefined();
  });
});

describe("translated names", () => {
  it("read the shopper's language, else what the merchant typed", () => {
    const t = parseTranslations(JSON.stringify({ fi: { name: "15 % alennus" }, xx: { name: "?" }, de: { name: "" } }), { onInvalid: () => {} });
    expect(t).toEqual({ fi: { name: "15 % alennus" } });
    expect(translated(t, "fi", "name", "15% off your order")).toBe("15 % alennus");
    expect(translated(t, "de", "name", "15% off your order")).toBe("15% off your order");
  });

  it("come from an editor's form, blank fields left out, long ones refused", () => {
    expect(translationsFromForm({ "name.fi": " 15 % alennus ", "name.de": "", other: "x" })).toEqual({ ok: true, value: { fi: { name: "15 % alennus" } } });
    expect(translationsFromForm({ "name.sv": "x".repeat(121) })).toMatchObject({ ok: false, field: "name.sv" });
  });

  it("reach the rewards, ways to earn and tiers of the customer view", () => {
    const view = {
      customer: { tier: { name: "Gold", next: { name: "Platinum" } } },
      rewards: [{ id: "r1", name: "15% off your order", minTierName: "Gold" }],
      ways: [{ id: "w1", name: "Follow us" }],
      tiers: { list: [{ name: "Gold" }, { name: "Platinum" }] },
    };
    const out = localizeNames(view, "fi", {
      rewards: [{ id: "r1", translations: JSON.stringify({ fi: { name: "15 % alennus" } }) }],
      rules: [{ id: "w1", translations: JSON.stringify({ fi: { name: "Seuraa meitä" } }) }],
      tiers: [
        { id: "t1", name: "Gold", translations: JSON.stringify({ fi: { name: "Kulta" } }) },
        { id: "t2", name: "Platinum", translations: "{}" },
      ],
    });
    expect(out.rewards[0]).toMatchObject({ name: "15 % alennus", minTierName: "Kulta" });
    expect(out.ways[0]!.name).toBe("Seuraa meitä");
    expect(out.tiers.list.map((t) => t.name)).toEqual(["Kulta", "Platinum"]);
    expect(out.customer!.tier).toMatchObject({ name: "Kulta", next: { name: "Platinum" } });
  });
});

describe("the emails' default words", () => {
  it("exist in every language with each occasion's placeholders", () => {
    for (const [kind, texts] of Object.entries(DEFAULT_EMAIL_TEXTS)) {
      const allowed = new Set([...COMMON_PLACEHOLDERS, ...EMAIL_PLACEHOLDERS[kind as keyof typeof EMAIL_PLACEHOLDERS]]);
      for (const language of LANGUAGE_CODES) {
        const text = texts[language];
        expect(text, `${kind} ${language}`).toBeDefined();
        for (const p of [...placeholdersOf(text.subject), ...placeholdersOf(text.text)]) expect(allowed.has(p), `${kind} ${language} {${p}}`).toBe(true);
        expect(placeholdersOf(text.subject + text.text).filter((p) => p !== "name").sort(), `${kind} ${language}`).toEqual(
          placeholdersOf(texts.en.subject + texts.en.text).filter((p) => p !== "name").sort(),
        );
      }
    }
    for (const language of LANGUAGE_CODES) {
      expect(placeholdersOf(EMAIL_CHROME[language].tierProgress)).toEqual(["next", "remaining"]);
      expect(EMAIL_WORDS[language].years(2)).toContain("2");
    }
    expect(EMAIL_WORDS.pl.years(5)).toBe("5 lat");
    expect(EMAIL_WORDS.pl.years(3)).toBe("3 lata");
  });
});
