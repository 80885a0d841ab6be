// The customer view in the shopper's language (0036): the merchant's names of rewards, ways
// to earn and tiers translated where they have a translation, and (for the widget) every
// text of the panel for that language with the merchant's overrides. Pure.
import { parseTranslations, translated, type EntityTranslations } from "../i18n/entity";
import { textsFor, type Texts } from "../i18n/catalogue";
import type { Language } from "../i18n/languages";
import type { TextOverrides } from "../i18n/overrides";
import type { OnInvalidJson } from "../json-column";

interface Named {
  name: string;
}
interface ViewShape {
  customer: { tier: (Named & { next: Named | null }) | null } | null;
  rewards: (Named & { id: string; minTierName: string | null })[];
  ways: (Named & { id: string })[];
  tiers: { list: Named[] };
}

/** Rows as read from the database: their id or name, and their translations column. */
export interface TranslationSources {
  rewards: readonly { id: string; translations: string }[];
  rules: readonly { id: string; translations: string }[];
  tiers: readonly { id: string; name: string; translations: string }[];
}

export function localizeNames<V extends ViewShape>(view: V, language: Language, sources: TranslationSources, onInvalid?: OnInvalidJson): V {
  const read = (what: string, rows: readonly { id: string; translations: string }[]) =>
    new Map<string, EntityTranslations>(rows.map((r) => [r.id, parseTranslations(r.translations, { id: r.id, what, onInvalid })]));
  const rewards = read("Reward.translations", sources.rewards);
  const rules = read("EarningRule.translations", sources.rules);
  // Tiers reach the view by name (a shop's tier names are its own words, one per rank).
  const tierByName = new Map(sources.tiers.map((t) => [t.name, parseTranslations(t.translations, { id: t.id, what: "Tier.translations", onInvalid })]));
  const tierName = (name: string) => translated(tierByName.get(name) ?? {}, language, "name", name);
  const tier = view.customer?.tier;
  return {
    ...view,
    customer: view.customer && {
      ...view.customer,
      tier: tier && { ...tier, name: tierName(tier.name), next: tier.next && { ...tier.next, name: tierName(tier.next.name) } },
    },
    rewards: view.rewards.map((r) => ({
      ...r,
      name: translated(rewards.get(r.id) ?? {}, language, "name", r.name),
      minTierName: r.minTierName === null ? null : tierName(r.minTierName),
    })),
    ways: view.ways.map((w) => ({ ...w, name: translated(rules.get(w.id) ?? {}, language, "name", w.name) })),
    tiers: { ...view.tiers, list: view.tiers.list.map((t) => ({ ...t, name: tierName(t.name) })) },
  };
}

/** The panel's texts for the language: built-in catalogue, then the merchant's overrides. */
export function panelTexts(language: Language, overrides: TextOverrides): Texts {
  return textsFor(language, overrides);
}
