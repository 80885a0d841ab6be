// The "Texts and languages" page's data and answers (0036), shared by the route, its
// components and ./admin.server.ts. Pure.
import type { Language } from "./languages";
import type { OverrideProblem } from "./overrides";

export interface TextRow {
  key: string;
  group: string;
  builtIn: string;
  override: string | null;
  placeholders: string[];
}

export type NameEntity = "reward" | "earn_rule" | "tier";
export const NAME_ENTITIES: readonly NameEntity[] = ["reward", "earn_rule", "tier"];

export interface NameRow {
  entity: NameEntity;
  id: string;
  name: string;
  translation: string | null;
}

export interface TextsPage {
  language: Language;
  languages: { code: Language; label: string; overrides: number }[];
  texts: TextRow[];
  names: NameRow[];
}

export type SaveResult = { ok: true } | { ok: false; problem: OverrideProblem | "not_found"; message: string };

/** What the page's action answers: the save's result, for the row it was about (`target`). */
export type TextsActionResult = SaveResult & { intent: string; target: string };
