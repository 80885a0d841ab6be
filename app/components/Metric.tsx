import { BlockStack, Card, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

/** A headline number on a card (Home, member page). */
export function Metric({ label, value, help, children }: { label: string; value: string; help?: string; children?: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="p" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl">
          {value}
        </Text>
        {help ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {help}
          </Text>
        ) : null}
        {children}
      </BlockStack>
    </Card>
  );
}
