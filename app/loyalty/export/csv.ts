import { z } from "zod";

// CSV exports' pure half: the exact headers (the import reads Kanta's own export back by
// them), the formula-injection guard, and the filters read from a URL.

export const MEMBER_EXPORT_COLUMNS = ["customer_id", "email", "first_name", "last_name", "points", "pending_points", "lifetime_points", "tier", "status", "enrolled_at"] as const;
export const LEDGER_EXPORT_COLUMNS = ["created_at", "customer_id", "email", "kind", "delta", "pending_delta", "note", "actor", "source", "idempotency_key"] as const;
export const AUDIT_EXPORT_COLUMNS = ["created_at", "action", "actor_id", "actor", "subject_type", "subject_id", "subject", "changes", "note"] as const;

export type CsvCell = string | number | null;

/**
 * OWASP's CSV injection guard: a text cell starting with = + - @, a tab or a carriage return
 * is prefixed with a single quote, so a spreadsheet shows it as text instead of running it
 * as a formula. Numbers are numbers (a negative delta stays -15); empty stays empty.
 * https://owasp.org/www-community/attacks/CSV_Injection
 */
export function guardCell(value: CsvCell): CsvCell {
  if (value === null || typeof value === "number") return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Shopify's numeric id from a gid: gid://shopify/Customer/123 → "123". */
export function numericId(gid: string): string {
  return gid.split("/").pop() ?? gid;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface MemberExportFilters {
  query?: string;
  tier?: string;
  status?: "active" | "excluded";
  minPoints?: number;
  maxPoints?: number;
}

/** The Members list's URL filters (q, tier, status, min, max); anything malformed is dropped. */
export function parseMemberExportFilters(params: URLSearchParams): MemberExportFilters {
  const optionalInt = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.coerce.number().int().optional()).catch(undefined);
  const schema = z.object({
    q: z.string().max(200).optional().catch(undefined),
    tier: z.string().max(50).optional().catch(undefined),
    status: z.enum(["active", "excluded"]).optional().catch(undefined),
    min: optionalInt,
    max: optionalInt,
  });
  const p = schema.parse(Object.fromEntries([...params].filter(([, v]) => v !== "")));
  return { query: p.q, tier: p.tier, status: p.status, minPoints: p.min, maxPoints: p.max };
}

export type LedgerRange = { ok: true; from: string; to: string } | { ok: false; message: string };

/** The ledger export's date range: YYYY-MM-DD, from ≤ to, at most 366 days… or all of it when both are empty. */
export function parseLedgerRange(params: URLSearchParams): LedgerRange {
  const from = params.get("from")?.trim() ?? "";
  const to = params.get("to")?.trim() ?? "";
  if (!DATE.test(from) || Number.isNaN(Date.parse(`${from}T00:00:00Z`))) return { ok: false, message: "Enter a start date as YYYY-MM-DD" };
  if (!DATE.test(to) || Number.isNaN(Date.parse(`${to}T00:00:00Z`))) return { ok: false, message: "Enter an end date as YYYY-MM-DD" };
  if (from > to) return { ok: false, message: "The start date must be on or before the end date" };
  return { ok: true, from, to };
}

/** A file name for a download: kanta-members-2026-12-04.csv. */
export function exportFileName(kind: string, at: Date): string {
  return `kanta-${kind}-${at.toISOString().slice(0, 10)}.csv`;
}
