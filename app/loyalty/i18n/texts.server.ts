// The widget's texts for one shop and storefront locale (0036): the built-in catalogue of the
// negotiated language with the merchant's overrides (Program.textOverrides) on top.
import { getDb, type Db } from "../../db.server";
import { logInvalidJson } from "../json-column.server";
import { textsFor, type Texts } from "./catalogue";
import { negotiateLanguage, type Language } from "./languages";
import { parseTextOverrides, type TextOverrides } from "./overrides";

export async function readTextOverrides(shopDomain: string, db: Db = getDb()): Promise<{ programId: string | null; overrides: TextOverrides }> {
  const program = await db.program.findFirst({ where: { shop: { domain: shopDomain } }, select: { id: true, textOverrides: true } });
  if (!program) return { programId: null, overrides: {} };
  return { programId: program.id, overrides: parseTextOverrides(program.textOverrides, { id: program.id, onInvalid: logInvalidJson({ shop: shopDomain }) }) };
}

export async function shopTexts(shopDomain: string, locale: string | null, db: Db = getDb()): Promise<{ language: Language; texts: Texts }> {
  const language = negotiateLanguage(locale);
  const { overrides } = await readTextOverrides(shopDomain, db);
  return { language, texts: textsFor(language, overrides) };
}

/** The storefront locale of a proxy request: the widget's `locale` parameter, else the browser's first language. */
export function requestLocale(request: Request): string | null {
  const param = new URL(request.url).searchParams.get("locale");
  const header = request.headers.get("accept-language")?.split(",")[0]?.split(";")[0];
  return (param || header || "").trim().slice(0, 35) || null;
}
