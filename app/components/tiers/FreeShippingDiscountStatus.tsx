import { Badge, BlockStack, Button, InlineStack, Text } from "@shopify/polaris";
import { useFetcher } from "@remix-run/react";
import { useEffect } from "react";
import { showToast } from "../showToast";
import type { TierDiscountState } from "../../loyalty/tiers/perk-discount";

/**
 * Under a tier's "Free shipping" perk: where its automatic discount in Shopify stands (the
 * tier-discount job keeps it in step, docs/decisions/0029-checkout-discounts.md).
 */
export function FreeShippingDiscountStatus({ perkOn, state }: { perkOn: boolean; state: TierDiscountState | undefined }) {
  const retry = useFetcher<{ ok: boolean; message: string }>();
  useEffect(() => {
    if (retry.state === "idle" && retry.data) showToast(retry.data.message, !retry.data.ok);
  }, [retry.state, retry.data]);
  const s = state ?? { state: "none" as const };
  if (s.state === "active") {
    return (
      <BlockStack gap="100">
        <InlineStack>
          <Badge tone="success">Automatic discount active in Shopify</Badge>
        </InlineStack>
        <Text as="p" tone="subdued" variant="bodySm">
          Applied at checkout to this tier&apos;s customers (a customer segment by tier tag)
        </Text>
      </BlockStack>
    );
  }
  if (s.state === "failed") {
    return (
      <BlockStack gap="100">
        <InlineStack>
          <Badge tone="critical">Automatic discount failed in Shopify</Badge>
        </InlineStack>
        <Text as="p" tone="critical" variant="bodySm" breakWord>
          {s.error}
        </Text>
        <InlineStack>
          <Button size="slim" loading={retry.state !== "idle"} onClick={() => retry.submit({}, { method: "post", action: "/app/tiers/retry-discounts" })}>
            Retry
          </Button>
        </InlineStack>
      </BlockStack>
    );
  }
  if (s.state === "pending") {
    return (
      <BlockStack gap="100">
        <InlineStack>
          <Badge tone="info" progress="partiallyComplete">
            {s.wantActive ? "Setting up the automatic discount in Shopify" : "Turning off the automatic discount in Shopify"}
          </Badge>
        </InlineStack>
        {s.error ? (
          <Text as="p" tone="caution" variant="bodySm" breakWord>
            Last attempt failed, retrying: {s.error}
          </Text>
        ) : null}
      </BlockStack>
    );
  }
  if (s.state === "inactive") {
    return (
      <Text as="p" tone="subdued" variant="bodySm">
        {perkOn ? "Automatic discount off in Shopify while the program is not live" : "Automatic discount turned off in Shopify"}
      </Text>
    );
  }
  return perkOn ? (
    <Text as="p" tone="subdued" variant="bodySm">
      Becomes an automatic free-shipping discount for this tier&apos;s customers in Shopify when saved and the program is live
    </Text>
  ) : null;
}
