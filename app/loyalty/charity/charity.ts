import { z } from "zod";
import { currencyScale } from "../ledger/money";

// Charity's pure rules: the shop's rate (points per whole currency unit donated), a
// donation's arithmetic, the forms, and the totals' grouping. Persistence is in
// ./donations.server.ts and ./admin.server.ts. docs/decisions/0037-charity-and-surprises.md

export const MAX_POINTS_PER_UNIT = 1_000_000;
/** The most whole units one donation may give (a typo guard, not a policy). */
export const MAX_DONATION_UNITS = 10_000;

export const charityRateForm = z.object({
  pointsPerUnit: z.coerce
    .number({ error: "Enter a whole number" })
    .int("Enter a whole number")
    .min(1, "At least 1 point")
    .max(MAX_POINTS_PER_UNIT, `At most ${MAX_POINTS_PER_UNIT} points`),
});

export const causeForm = z.object({
  name: z.string().trim().min(1, "Name is required").max(100, "At most 100 characters"),
  description: z.string().trim().max(500, "At most 500 characters").default(""),
  enabled: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()).default(true),
});
export type CauseForm = z.infer<typeof causeForm>;

/** The widget's body: a cause, whole currency units, and its request id (reused on retry). */
export const donateRequestBody = z.object({
  causeId: z.string().min(1).max(100),
  units: z.number().int("a whole number").positive("more than 0").max(MAX_DONATION_UNITS, `at most ${MAX_DONATION_UNITS}`),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, "requestId: 8–100 letters, digits, - or _"),
});
export type DonateRequestBody = z.infer<typeof donateRequestBody>;

export interface DonationAmount {
  points: number;
  amountMinor: number;
}

/**
 * What donating `units` whole units of the shop currency costs and gives: points = units ×
 * rate, amount = units in minor units (JPY has none: 1 unit = 1 minor unit).
 */
export function computeDonation(pointsPerUnit: number, units: number, currencyCode: string): DonationAmount {
  if (!Number.isSafeInteger(pointsPerUnit) || pointsPerUnit < 1) throw new RangeError("pointsPerUnit must be a positive integer");
  if (!Number.isSafeInteger(units) || units < 1) throw new RangeError("units must be a positive integer");
  return { points: units * pointsPerUnit, amountMinor: units * 10 ** currencyScale(currencyCode) };
}

/** The whole units a balance covers: the widget's amount picker goes up to it. */
export function maxDonationUnits(points: number, pointsPerUnit: number): number {
  if (pointsPerUnit < 1 || points < pointsPerUnit) return 0;
  return Math.min(MAX_DONATION_UNITS, Math.floor(points / pointsPerUnit));
}

export const donationKeys = {
  ledger: (donationId: string) => `donate:${donationId}`,
};

export interface DonationTotal {
  causeId: string;
  causeName: string;
  /** YYYY-MM in the shop's time zone, or null for the whole range. */
  month: string | null;
  donations: number;
  points: number;
  amountMinor: number;
}

/** Totals per cause and month from donation rows already given their shop-local month. */
export function totalsByCauseAndMonth(rows: readonly { causeId: string; causeName: string; month: string; points: number; amountMinor: number }[]): DonationTotal[] {
  const byKey = new Map<string, DonationTotal>();
  for (const r of rows) {
    const key = `${r.month}\u0000${r.causeId}`;
    const t = byKey.get(key) ?? { causeId: r.causeId, causeName: r.causeName, month: r.month, donations: 0, points: 0, amountMinor: 0 };
    t.donations += 1;
    t.points += r.points;
    t.amountMinor += r.amountMinor;
    byKey.set(key, t);
  }
  return [...byKey.values()].sort((a, b) => (a.month === b.month ? a.causeName.localeCompare(b.causeName) : (b.month ?? "").localeCompare(a.month ?? "")));
}

/** Totals per cause for the whole range. */
export function totalsByCause(rows: readonly DonationTotal[]): DonationTotal[] {
  const byCause = new Map<string, DonationTotal>();
  for (const r of rows) {
    const t = byCause.get(r.causeId) ?? { causeId: r.causeId, causeName: r.causeName, month: null, donations: 0, points: 0, amountMinor: 0 };
    t.donations += r.donations;
    t.points += r.points;
    t.amountMinor += r.amountMinor;
    byCause.set(r.causeId, t);
  }
  return [...byCause.values()].sort((a, b) => b.amountMinor - a.amountMinor || a.causeName.localeCompare(b.causeName));
}

export const DONATION_EXPORT_COLUMNS = ["created_at", "cause", "customer_id", "email", "points", "amount", "currency", "request_id"] as const;
export const DONATION_TOTALS_EXPORT_COLUMNS = ["month", "cause", "donations", "points", "amount", "currency"] as const;
