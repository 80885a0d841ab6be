// The "Texts and languages" page (0036): every shopper-facing text of one language with its
// built-in words and the merchant's override, and the names of rewards, ways to earn and
// tiers in that language. Every change is validated (overrides keep their placeholders) and
// audited in the transaction that writes it.
import { getDb, type Db, type Tx } from "../../db.server";
import { inTransaction } from "../tx.server";
import type { AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { logInvalidJson } from "../json-column.server";
import { invalidateShopConfig } from "../program/shop-config.server";
import { CATALOGUES, placeholdersOf } from "./catalogue";
import { parseTranslations, MAX_TRANSLATION_LENGTH, type EntityTranslations } from "./entity";
import { LANGUAGE_CODES, LANGUAGES, type Language } from "./languages";
import { overrideProblem, parseTextOverrides, withOverride, type OverrideProblem } from "./overrides";
import type { NameEntity, NameRow, SaveResult, TextsPage } from "./texts-page";

async function programOf(db: Db | Tx, domain: string) {
  const shop = await db.shop.findUniqueOrThrow({ where: { domain }, select: { id: true, program: { select: { id: true, textOverrides: true } } } });
  if (!shop.program) throw new Error(`no program for ${domain}`);
  return { shopId: shop.id, program: shop.program };
}

export function parseLanguage(value: string | null | undefined): Language {
  return LANGUAGE_CODES.find((c) => c === value) ?? "en";
}

export async function getTextsPage(domain: string, language: Language, db: Db = getDb()): Promise<TextsPage> {
  const { shopId, program } = await programOf(db, domain);
  const onInvalid = logInvalidJson({ shop: domain });
  const overrides = parseTextOverrides(program.textOverrides, { id: program.id, onInvalid });
  const mine = overrides[language] ?? {};
  const texts = Object.entries(CATALOGUES[language]).map(([key, builtIn]) => ({
    key,
    group: key.split(".")[0]!,
    builtIn,
    override: mine[key] ?? null,
    placeholders: placeholdersOf(builtIn),
  }));
  const [rewards, rules, tiers] = await Promise.all([
    db.reward.findMany({ where: { shopId }, orderBy: [{ pointsCost: "asc" }, { id: "asc" }], select: { id: true, name: true, translations: true } }),
    db.earningRule.findMany({ where: { shopId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, name: true, translations: true } }),
    db.tier.findMany({ where: { shopId }, orderBy: { rank: "asc" }, select: { id: true, name: true, translations: true } }),
  ]);
  const row = (entity: NameEntity, r: { id: string; name: string; translations: string }): NameRow => ({
    entity,
    id: r.id,
    name: r.name,
    translation: parseTranslations(r.translations, { id: r.id, onInvalid })[language]?.name ?? null,
  });
  return {
    language,
    languages: LANGUAGES.map((l) => ({ code: l.code, label: l.label, overrides: Object.keys(overrides[l.code] ?? {}).length })),
    texts,
    names: [...rewards.map((r) => row("reward", r)), ...rules.map((r) => row("earn_rule", r)), ...tiers.map((r) => row("tier", r))],
  };
}

const MESSAGES: Record<OverrideProblem, string> = {
  unknown_language: "Kanta does not speak this language.",
  unknown_key: "This text does not exist.",
  empty: "Enter a text, or reset it to the built-in one.",
  too_long: "At most 500 characters.",
  placeholders: "Keep the placeholders of the built-in text",
};

/** Sets (text) or resets (null) the merchant's words for one text of one language. */
export async function saveTextOverride(
  domain: string,
  input: { language: string; key: string; text: string | null },
  actor: AuditActor,
  db: Db = getDb(),
): Promise<SaveResult> {
  const text = input.text === null ? null : input.text.trim();
  if (text !== null) {
    const problem = overrideProblem(input.language, input.key, text);
    if (problem) {
      const message = problem.problem === "placeholders" ? `${MESSAGES.placeholders}: ${problem.expected!.map((p) => `{${p}}`).join(", ") || "none"}.` : MESSAGES[problem.problem];
      return { ok: false, problem: problem.problem, message };
    }
  } else if (!LANGUAGE_CODES.includes(input.language as Language)) {
    return { ok: false, problem: "unknown_language", message: MESSAGES.unknown_language };
  }
  const language = input.language as Language;
  await inTransaction(db, async (tx) => {
    const { shopId, program } = await programOf(tx, domain);
    const current = parseTextOverrides(program.textOverrides);
    const before = current[language]?.[input.key] ?? null;
    // The same words as built in are not an override: stored as none.
    const next = withOverride(current, language, input.key, text === CATALOGUES[language][input.key] ? null : text);
    await tx.program.update({ where: { id: program.id }, data: { textOverrides: JSON.stringify(next) } });
    await recordAudit(tx, {
      shopId,
      actor,
      action: "program.texts_updated",
      subjectType: "program",
      subjectId: null,
      subjectLabel: `Texts (${language})`,
      before: { [input.key]: before },
      after: { [input.key]: next[language]?.[input.key] ?? null },
    });
  });
  invalidateShopConfig(domain); // the storefront's cached view of the shop (customer-view.server.ts)
  return { ok: true };
}

const ENTITY_AUDIT = {
  reward: { action: "reward.updated", subjectType: "reward" },
  earn_rule: { action: "earn_rule.updated", subjectType: "earn_rule" },
  tier: { action: "tiers.updated", subjectType: "tiers" },
} as const;

/** Sets (name) or removes (null or blank) the name of a reward, way to earn or tier in one language. */
export async function saveNameTranslation(
  domain: string,
  input: { entity: NameEntity; id: string; language: string; name: string | null },
  actor: AuditActor,
  db: Db = getDb(),
): Promise<SaveResult> {
  if (!LANGUAGE_CODES.includes(input.language as Language)) return { ok: false, problem: "unknown_language", message: MESSAGES.unknown_language };
  const language = input.language as Language;
  const name = input.name?.trim() || null;
  if (name && name.length > MAX_TRANSLATION_LENGTH) return { ok: false, problem: "too_long", message: `At most ${MAX_TRANSLATION_LENGTH} characters.` };
  const done = await inTransaction(db, async (tx) => {
    const shop = await tx.shop.findUniqueOrThrow({ where: { domain }, select: { id: true } });
    const where = { id: input.id, shopId: shop.id };
    const select = { id: true, name: true, translations: true } as const;
    const row =
      input.entity === "reward"
        ? await tx.reward.findFirst({ where, select })
        : input.entity === "earn_rule"
          ? await tx.earningRule.findFirst({ where, select })
          : await tx.tier.findFirst({ where, select });
    if (!row) return false;
    const current = parseTranslations(row.translations);
    const next: EntityTranslations = { ...current };
    if (name) next[language] = { name };
    else delete next[language];
    const data = { translations: JSON.stringify(next) };
    if (input.entity === "reward") await tx.reward.update({ where: { id: row.id }, data });
    else if (input.entity === "earn_rule") await tx.earningRule.update({ where: { id: row.id }, data });
    else await tx.tier.update({ where: { id: row.id }, data });
    const audit = ENTITY_AUDIT[input.entity];
    await recordAudit(tx, {
      shopId: shop.id,
      actor,
      action: audit.action,
      subjectType: audit.subjectType,
      subjectId: row.id,
      subjectLabel: row.name,
      before: { [`name (${language})`]: current[language]?.name ?? null },
      after: { [`name (${language})`]: name },
    });
    return true;
  });
  if (!done) return { ok: false, problem: "not_found", message: "It no longer exists. Reload the page." };
  invalidateShopConfig(domain);
  return { ok: true };
}
