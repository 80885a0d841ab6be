import { BlockStack, Text } from "@shopify/polaris";

/** What a merchant calls each kind of ledger row (app/loyalty/ledger/entries.ts LEDGER_KINDS). */
export const LEDGER_KIND_LABELS: Record<string, string> = {
  order_earned: "Order",
  order_reversed: "Refund / cancel",
  pending_released: "Now available",
  signup_bonus: "Sign-up bonus",
  action_bonus: "Bonus",
  manual_adjustment: "Adjustment",
  redeemed: "Redeemed",
  redemption_reversed: "Redemption returned",
  expired: "Expired",
  referral: "Referral",
  import: "Imported",
  donated: "Donated",
  surprise: "Surprise",
};

/** A ledger row's reason: its kind, and its note underneath. */
export function LedgerReason({ kind, note }: { kind: string; note: string | null }) {
  return (
    <BlockStack gap="050">
      <Text as="span">{LEDGER_KIND_LABELS[kind] ?? kind}</Text>
      {note ? (
        <Text as="span" tone="subdued" variant="bodySm">
          {note}
        </Text>
      ) : null}
    </BlockStack>
  );
}
