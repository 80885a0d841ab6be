// The shopper-facing texts of the storefront widget, one file per language in ./widget/
// (nested like a theme locale file: {"rewards":{"redeem":"Redeem"}}), flattened to
// "rewards.redeem" keys. Plurals are key_<Intl.PluralRules category> (key_one, key_few,
// key_many, key_other); every language has exactly the categories it uses (0036). Pure.
import en from "./widget/en.json";
import fi from "./widget/fi.json";
import sv from "./widget/sv.json";
import da from "./widget/da.json";
import nb from "./widget/nb.json";
import de from "./widget/de.json";
import fr from "./widget/fr.json";
import es from "./widget/es.json";
import it from "./widget/it.json";
import nl from "./widget/nl.json";
import pl from "./widget/pl.json";
import ptBR from "./widget/pt-BR.json";
import { DEFAULT_LANGUAGE, type Language } from "./languages";

type Tree = { [key: string]: string | Tree };
export type Texts = Record<string, string>;

/** {"a":{"b":"x"}} -> {"a.b":"x"} */
export function flatten(tree: Tree, prefix = "", out: Texts = {}): Texts {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}

const TREES: Record<Language, Tree> = { en, fi, sv, da, nb, de, fr, es, it, nl, pl, "pt-BR": ptBR };

export const CATALOGUES: Record<Language, Readonly<Texts>> = Object.fromEntries(
  Object.entries(TREES).map(([lang, tree]) => [lang, Object.freeze(flatten(tree))]),
) as Record<Language, Readonly<Texts>>;

/** {name} placeholders of a text, sorted and unique. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

/** "rewards.need_more_few" -> "rewards.need_more"; null for a key that is not a plural form. */
export function pluralBase(key: string): string | null {
  const m = /^(.*)_(zero|one|two|few|many|other)$/.exec(key);
  return m ? m[1]! : null;
}

/**
 * The texts a shopper in `language` reads: the built-in catalogue with the merchant's overrides
 * for that language on top. Keys the language lacks (a string added in English first) fall
 * back to English, so a new key never shows as its name.
 */
export function textsFor(language: Language, overrides: Partial<Record<Language, Texts>> = {}): Texts {
  const base = CATALOGUES[language];
  const out: Texts = {};
  for (const [key, text] of Object.entries(CATALOGUES[DEFAULT_LANGUAGE])) {
    // English plural forms the language does not use are left out (its own forms are below).
    if (language !== DEFAULT_LANGUAGE && pluralBase(key) && !(key in base)) continue;
    out[key] = text;
  }
  Object.assign(out, base);
  for (const [key, text] of Object.entries(overrides[language] ?? {})) if (key in out) out[key] = text;
  return out;
}
