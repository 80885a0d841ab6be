import type { z } from "zod";

// JSON stored in text columns (Program.referralSettings, Program.widgetSettings,
// Program.pointsNames, Tier.perks, Reward.config, EarningRule.config) and JSON that forms
// post, read one way: parsed, checked against a zod schema, and on bad data the
// documented default, with the problem handed to the caller. Pure: it cannot log, so
// .server callers pass onInvalid (./json-column.server.ts logs it with the row's id).

/** JSON text checked against a schema: the value, or why not ("unreadable": not JSON at all). */
export type JsonTextResult<T> = { ok: true; data: T } | { ok: false; kind: "unreadable"; error: SyntaxError } | { ok: false; kind: "invalid"; error: z.ZodError };

export function parseJsonText<S extends z.ZodType>(text: string, schema: S): JsonTextResult<z.output<S>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, kind: "unreadable", error };
    throw error;
  }
  return check(value, schema);
}

/** A form's JSON field: text is parsed first; a value that is already parsed is only checked. */
export function parseJsonInput<S extends z.ZodType>(input: unknown, schema: S): JsonTextResult<z.output<S>> {
  return typeof input === "string" ? parseJsonText(input, schema) : check(input, schema);
}

function check<S extends z.ZodType>(value: unknown, schema: S): JsonTextResult<z.output<S>> {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, kind: "invalid", error: parsed.error };
}

export interface JsonColumnProblem {
  /** The column, e.g. "Tier.perks". */
  what: string;
  /** The row's id, when the caller gave it. */
  id: string | null;
  /** "unreadable": not JSON; "invalid": JSON that does not match the schema. */
  kind: "unreadable" | "invalid";
  /** Where and what, e.g. "entryPoints: Too small: expected number to be >=0". Never the stored value. */
  issues: string[];
  /** "default": the whole default was read; "salvaged": the valid parts were kept, the rest took their defaults. */
  outcome: "default" | "salvaged";
}

export type OnInvalidJson = (problem: JsonColumnProblem) => void;

/** How a reader's caller learns of bad data: the row id and the callback (both optional). */
export interface JsonReport {
  id?: string | null;
  onInvalid?: OnInvalidJson;
}

export interface ReadJsonColumnOptions extends JsonReport {
  what: string;
  /**
   * Keep the valid parts of a partly invalid value: each invalid value is dropped (an
   * object's key, an array's item) and takes the schema's default. Without it, any problem
   * reads as the whole fallback.
   */
  salvage?: boolean;
}

/** Bad data is dropped one value at a time; a value this broken reads as the fallback. */
const MAX_SALVAGE_ROUNDS = 50;

/**
 * A stored JSON column, read: the schema's output, or `fallback` when the text is empty,
 * not JSON, or fails the schema (with `salvage`: when nothing valid is left of it). Every
 * problem but an empty column is reported through `onInvalid`.
 */
export function readJsonColumn<S extends z.ZodType>(
  text: string | null | undefined,
  schema: S,
  fallback: NoInfer<z.output<S>>,
  options: ReadJsonColumnOptions,
): z.output<S> {
  // An empty column is one nothing was saved in: the default, and nothing to report.
  if (!text) return structuredClone(fallback);
  const result = parseJsonText(text, schema);
  if (result.ok) return result.data;
  const report = (issues: string[], outcome: JsonColumnProblem["outcome"]) =>
    options.onInvalid?.({ what: options.what, id: options.id ?? null, kind: result.kind, issues, outcome });
  if (result.kind === "unreadable") {
    report(["not JSON"], "default");
    return structuredClone(fallback);
  }
  const issues = result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(the value)"}: ${i.message}`);
  const salvaged = options.salvage ? salvage(JSON.parse(text) as unknown, schema) : null;
  report(issues, salvaged ? "salvaged" : "default");
  return salvaged ? salvaged.data : structuredClone(fallback);
}

/** Drops the invalid values of `value` one by one until the schema accepts it; null if it never does. */
function salvage<S extends z.ZodType>(value: unknown, schema: S): { data: z.output<S> } | null {
  for (let round = 0; round < MAX_SALVAGE_ROUNDS; round++) {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { data: parsed.data };
    const path = parsed.error.issues[0]?.path ?? [];
    if (!drop(value, path)) return null;
  }
  return null;
}

/** Removes what `path` points at, or its parent if there is nothing there (a missing required key). */
function drop(root: unknown, path: readonly PropertyKey[]): boolean {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = path.slice(0, depth - 1).reduce<unknown>((node, key) => (isContainer(node) ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);
    const key = path[depth - 1]!;
    if (Array.isArray(parent) && typeof key === "number" && key < parent.length) {
      parent.splice(key, 1);
      return true;
    }
    if (isContainer(parent) && !Array.isArray(parent) && Object.hasOwn(parent, key)) {
      delete (parent as Record<PropertyKey, unknown>)[key];
      return true;
    }
  }
  return false;
}

function isContainer(node: unknown): node is object {
  return typeof node === "object" && node !== null;
}
