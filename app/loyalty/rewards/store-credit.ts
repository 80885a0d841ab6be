// Recognising Kanta's own credit among a customer's Shopify store credits. Pure.
//
// storeCreditAccountCredit has no idempotency key and its transaction carries no note or
// reference (2026-07), so a redemption whose process died between Shopify's answer and
// Kanta's confirmation is matched by what it asked for. docs/decisions/0028-store-credit.md
import { parseMoneyToMinor } from "../ledger/money";

/** A credit transaction as Shopify lists it (app/shopify/store-credit.server.ts). */
export interface ShopifyStoreCredit {
  id: string;
  /** Decimal string, e.g. "5.0". */
  amount: string;
  currencyCode: string;
  createdAt: string;
  expiresAt: string | null;
  /** Made by an order (a refund to store credit), never by an app's credit. */
  fromOrder: boolean;
}

/** What the stalled redemption asked Shopify for. */
export interface ReservedCredit {
  amountMinor: number;
  currencyCode: string;
  /** When the redemption (and its debit) was written, before Shopify was called. */
  reservedAt: Date;
  /** The credit's expiry as asked; null: none. */
  expiresAt: Date | null;
}

/**
 * Clocks differ: Shopify's createdAt may be a little earlier than Kanta's reservedAt even
 * though the call came after it.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Shopify may store the expiry rounded; an expiry this close is the one Kanta asked for. */
const EXPIRY_TOLERANCE_MS = 24 * 60 * 60_000;

/**
 * The first credit (oldest first) that can be this redemption's: same currency and amount,
 * made by an app or staff (not an order), created after the reservation (less the clock
 * skew), with the expiry Kanta asked for (none, or within a day of it), and not already
 * the confirmed credit of another redemption (`claimed`). Kanta lets a member have one
 * store_credit redemption in flight at a time, so no other Kanta credit for this member can
 * fit; what remains ambiguous (staff adding the same amount by hand in the same minutes)
 * is written down in the decision record.
 */
export function findReservedCredit(reserved: ReservedCredit, credits: readonly ShopifyStoreCredit[], claimed: ReadonlySet<string>): ShopifyStoreCredit | null {
  const from = reserved.reservedAt.getTime() - CLOCK_SKEW_MS;
  const matches = credits.filter((c) => {
    if (claimed.has(c.id) || c.fromOrder || c.currencyCode !== reserved.currencyCode) return false;
    if (Date.parse(c.createdAt) < from) return false;
    let minor: number;
    try {
      minor = parseMoneyToMinor(c.amount, c.currencyCode);
    } catch {
      return false;
    }
    if (minor !== reserved.amountMinor) return false;
    if (reserved.expiresAt === null) return c.expiresAt === null;
    return c.expiresAt !== null && Math.abs(Date.parse(c.expiresAt) - reserved.expiresAt.getTime()) <= EXPIRY_TOLERANCE_MS;
  });
  matches.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return matches[0] ?? null;
}
