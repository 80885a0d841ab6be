import { calendarYearBounds, type TierPeriod } from "../tiers/rules";

// The import's pure rules: modes, counts, its ledger keys and how long an imported tier is
// kept. docs/decisions/0019-member-import.md

/** set: the file's balance becomes the member's (the difference is the import entry); add: the file's points are added. */
export type ImportMode = "set" | "add";
/** keep: the file's tier is kept as a merchant's assignment until tierUntil; rules: Kanta's own rules place members. */
export type TierMode = "keep" | "rules";

export interface ImportCounts {
  /** Data rows read (blank lines are not rows). */
  rows: number;
  /** Customers who become members. */
  newMembers: number;
  /** Members whose balance or tier changes. */
  updated: number;
  /** Members the file already matches. */
  unchanged: number;
  /** Rows whose customer is not in Shopify: reported, never created. */
  unknown: number;
  /** Rows that cannot be imported (their line and reason are listed). */
  bad: number;
}

/**
 * The ledger key of one row of one file: the file's content (sha256) and the row's line.
 * The same file imported again, by a second upload or a resumed job, finds its keys paid.
 */
export function importLedgerKey(fileHash: string, line: number): string {
  return `import:${fileHash.slice(0, 32)}:${line}`;
}

/**
 * Until when an imported tier is kept ("until the next review"): a calendar-year program's
 * year end; a rolling 12 months' tier is held 12 months (as an earned tier is); lifetime
 * tiers are never reviewed down, so the tier is kept until the merchant changes it (null).
 */
export function nextReviewAt(period: TierPeriod, now: Date, ianaTimeZone: string): Date | null {
  switch (period) {
    case "calendar_year":
      return calendarYearBounds(now, ianaTimeZone).end;
    case "rolling_12_months": {
      const until = new Date(now);
      until.setUTCFullYear(until.getUTCFullYear() + 1);
      return until;
    }
    case "lifetime":
      return null;
  }
}
