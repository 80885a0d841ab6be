// Recognising an import file by its header row, and the merchant's column mapping. Pure.
// The vendors' published layouts are in /work/shared/SURFACES.md §1 (Smile, LoyaltyLion,
// Yotpo, Rivo, Joy); Kanta's own members export is written by app/loyalty/export.
// docs/decisions/0019-member-import.md

/** What an import can read from a row. Email or customer id finds the customer. */
export const IMPORT_FIELDS = ["email", "customerId", "points", "tier", "name", "firstName", "lastName"] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Field -> the column's index in the row (absent: not imported). */
export type ColumnMapping = Partial<Record<ImportField, number>>;

export const IMPORT_SOURCES = ["kanta", "smile", "loyaltylion", "yotpo", "rivo", "joy", "other"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export const SOURCE_NAMES: Record<ImportSource, string> = {
  kanta: "Kanta",
  smile: "Smile.io",
  loyaltylion: "LoyaltyLion",
  yotpo: "Yotpo",
  rivo: "Rivo",
  joy: "Joy",
  other: "another app",
};

export const FIELD_LABELS: Record<ImportField, string> = {
  email: "Email",
  customerId: "Shopify customer ID",
  points: "Points balance",
  tier: "Tier",
  name: "Name",
  firstName: "First name",
  lastName: "Last name",
};

/** Kanta's members export header, exactly (the export writes it; the import recognises it). */
export const KANTA_EXPORT_HEADER = [
  "customer_id",
  "email",
  "first_name",
  "last_name",
  "points",
  "pending_points",
  "lifetime_points",
  "tier",
  "status",
  "enrolled_at",
] as const;

/** "Points Balance", " points_balance ", "Birthday (MM/DD)" -> "points balance", "birthday mm dd". */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Header names each field is known by, normalised (the vendors' and common aliases). */
const ALIASES: Record<ImportField, readonly string[]> = {
  email: ["email", "emails", "email address", "e mail", "customer email", "shopify customer email"],
  customerId: ["customer id", "customerid", "shopify customer id", "customer_id"].map(normaliseHeader),
  points: ["points", "points balance", "current points balance", "point balance", "balance", "points amount", "loyalty points"],
  tier: ["tier", "vip tier", "vip tier name", "membership type", "tier name", "vip"],
  name: ["name", "full name", "customer name"],
  firstName: ["first name", "firstname", "first_name"].map(normaliseHeader),
  lastName: ["last name", "lastname", "last_name"].map(normaliseHeader),
};

/** Each field's column by the aliases (the first matching column wins). */
export function mapByAliases(headers: readonly string[]): ColumnMapping {
  const normal = headers.map(normaliseHeader);
  const mapping: ColumnMapping = {};
  for (const field of IMPORT_FIELDS) {
    const index = normal.findIndex((h) => ALIASES[field].includes(h));
    if (index >= 0) mapping[field] = index;
  }
  return mapping;
}

const has = (normal: readonly string[], ...names: string[]) => names.every((n) => normal.includes(n));

/** The source app a header row comes from, by the layouts the vendors publish. */
export function detectSource(headers: readonly string[]): ImportSource {
  const normal = headers.map(normaliseHeader);
  if (normal.length === KANTA_EXPORT_HEADER.length && KANTA_EXPORT_HEADER.every((h, i) => headers[i]?.replace(/^\uFEFF/, "").trim() === h)) return "kanta";
  if (has(normal, "email", "points balance", "vip tier") && (has(normal, "credits balance") || has(normal, "activation date"))) return "rivo";
  if (has(normal, "email", "points balance") && (has(normal, "full name") || has(normal, "points spent"))) return "yotpo";
  if (has(normal, "email", "membership type", "points")) return "joy";
  // LoyaltyLion's bulk sheet: customer ID, emails, points, enrolled.
  if (has(normal, "customer id", "points", "enrolled")) return "loyaltylion";
  // Smile's import file: exactly `email` and `points` (lower case, as Smile asks for).
  if (headers.length === 2 && headers[0]?.replace(/^\uFEFF/, "").trim() === "email" && headers[1]?.trim() === "points") return "smile";
  return "other";
}

/** A plausible email: one @, something on each side, a dot in the domain, no spaces. */
export function isEmail(value: string): boolean {
  return value.length <= 254 && /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]{2,}$/.test(value);
}

/**
 * Whether the first row is data, not headers: LoyaltyLion's points file is just "Column A:
 * email addresses / Column B: points", often without a header row.
 */
export function looksHeaderless(firstRow: readonly string[]): boolean {
  return firstRow.length >= 2 && isEmail(firstRow[0]!.replace(/^\uFEFF/, "").trim()) && parsePoints(firstRow[1]!).ok;
}

export interface Recognised {
  source: ImportSource;
  /** False: the first row is already data (LoyaltyLion's email/points file). */
  hasHeader: boolean;
  /** The column names to show (generated for a headerless file). */
  headers: string[];
  mapping: ColumnMapping;
}

/** The source and suggested mapping for a file's first row. */
export function recognise(firstRow: readonly string[]): Recognised {
  if (looksHeaderless(firstRow)) {
    const headers = firstRow.map((_, i) => `Column ${String.fromCharCode(65 + (i % 26))}`);
    return { source: "loyaltylion", hasHeader: false, headers, mapping: { email: 0, points: 1 } };
  }
  const headers = firstRow.map((h) => h.replace(/^\uFEFF/, "").trim());
  const mapping = mapByAliases(headers);
  return { source: detectSource(headers), hasHeader: true, headers, mapping };
}

/** Why a mapping cannot be used, or null. */
export function mappingProblem(mapping: ColumnMapping, columns: number): string | null {
  if (mapping.email === undefined && mapping.customerId === undefined) return "Choose the column with the customer's email or Shopify customer ID.";
  if (mapping.points === undefined && mapping.tier === undefined) return "Choose the column with the points balance (or the tier).";
  const used = new Map<number, ImportField>();
  for (const field of IMPORT_FIELDS) {
    const index = mapping[field];
    if (index === undefined) continue;
    if (!Number.isInteger(index) || index < 0 || index >= columns) return `${FIELD_LABELS[field]}: choose one of the file's columns.`;
    const other = used.get(index);
    if (other) return `${FIELD_LABELS[field]} and ${FIELD_LABELS[other]} use the same column.`;
    used.set(index, field);
  }
  return null;
}

/** A mapping from its JSON (stored or posted), keeping only known fields with integer columns. */
export function parseMapping(json: string): ColumnMapping {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return {};
  }
  const mapping: ColumnMapping = {};
  if (raw && typeof raw === "object") {
    for (const field of IMPORT_FIELDS) {
      const value = (raw as Record<string, unknown>)[field];
      if (typeof value === "number" && Number.isInteger(value) && value >= 0) mapping[field] = value;
    }
  }
  return mapping;
}

export type PointsResult = { ok: true; points: number } | { ok: false; reason: string };

/** The largest balance an import sets or adds (the ledger's integers stay far from overflow). */
export const MAX_IMPORT_POINTS = 100_000_000;

/**
 * A points cell: "1234", "1 234", "1,234" (comma thousands), "12.5" (rounded half away from
 * zero to whole points). With `decimalComma` (a semicolon-separated file, as Excel writes
 * in locales with decimal commas): "1 234,5" and "1.234,5" are 1234.5. Empty is an error
 * (write 0 for none); a negative balance is an error.
 */
export function parsePoints(cell: string, decimalComma = false): PointsResult {
  let s = cell.replace(/[\s\u00a0\u202f']/g, "");
  const shown = cell.trim().slice(0, 40);
  if (s === "") return { ok: false, reason: "Points are empty (write 0 for none)" };
  if (/^-/.test(s)) return { ok: false, reason: `Points can't be negative ("${shown}")` };
  s = s.replace(/^\+/, "");
  if (!/^[0-9.,]+$/.test(s) || !/[0-9]/.test(s)) return { ok: false, reason: `Points must be a number ("${shown}")` };
  let normal: string;
  if (decimalComma) normal = s.replace(/\./g, "").replace(",", ".");
  else if (s.includes(",") && s.includes(".")) normal = s.replace(/,/g, "");
  else if (s.includes(",")) normal = /^\d{1,3}(,\d{3})+$/.test(s) ? s.replace(/,/g, "") : s.replace(",", ".");
  else normal = s;
  if (!/^\d+(\.\d+)?$/.test(normal)) return { ok: false, reason: `Points must be a number ("${shown}")` };
  const points = Math.round(Number(normal));
  if (!Number.isSafeInteger(points) || points > MAX_IMPORT_POINTS) return { ok: false, reason: `Points over ${MAX_IMPORT_POINTS.toLocaleString("en-US")} ("${shown}")` };
  return { ok: true, points };
}

/** A Shopify customer id cell: "123", "gid://shopify/Customer/123" -> the gid; null when not one. */
export function parseCustomerId(cell: string): string | null {
  const s = cell.trim();
  const m = /^(?:gid:\/\/shopify\/Customer\/)?(\d{1,20})$/.exec(s);
  return m ? `gid://shopify/Customer/${m[1]}` : null;
}

export interface CheckedRow {
  line: number;
  email: string | null;
  customerGid: string | null;
  points: number | null;
  tier: string | null;
  name: string | null;
  error: string | null;
}

/** One data row under the mapping: its values, or why it is a bad row. */
export function checkRow(cells: readonly string[], line: number, mapping: ColumnMapping, decimalComma = false): CheckedRow {
  const cell = (field: ImportField): string | null => {
    const index = mapping[field];
    return index === undefined ? null : (cells[index] ?? "").trim();
  };
  const row: CheckedRow = { line, email: null, customerGid: null, points: null, tier: null, name: null, error: null };
  const fail = (error: string) => ({ ...row, error });
  const name = cell("name") || [cell("firstName"), cell("lastName")].filter(Boolean).join(" ");
  row.name = name ? name.slice(0, 200) : null;
  const rawId = cell("customerId");
  if (rawId) {
    row.customerGid = parseCustomerId(rawId);
    if (!row.customerGid) return fail(`Not a Shopify customer ID ("${rawId.slice(0, 40)}")`);
  }
  const rawEmail = cell("email");
  if (rawEmail) {
    const email = rawEmail.toLowerCase();
    if (!isEmail(email)) return fail(`Not an email address ("${rawEmail.slice(0, 60)}")`);
    row.email = email;
  }
  if (!row.email && !row.customerGid) return fail(mapping.email !== undefined ? "Email is empty" : "Customer ID is empty");
  if (mapping.points !== undefined) {
    const points = parsePoints(cell("points") ?? "", decimalComma);
    if (!points.ok) return fail(points.reason);
    row.points = points.points;
  }
  const tier = cell("tier");
  row.tier = tier ? tier.slice(0, 100) : null;
  return row;
}

/**
 * The column separator of a file, from its first line: the one of comma, semicolon and tab
 * that occurs most often outside quotes (Excel in many locales writes semicolons).
 */
export function sniffDelimiter(firstLine: string): "," | ";" | "\t" {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "," || ch === ";" || ch === "\t")) counts[ch]++;
  }
  if (counts[";"] > counts[","] && counts[";"] >= counts["\t"]) return ";";
  if (counts["\t"] > counts[","] && counts["\t"] > counts[";"]) return "\t";
  return ",";
}
