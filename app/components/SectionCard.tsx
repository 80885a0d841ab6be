import type { ReactNode } from "react";
import { BlockStack, Card, Text } from "@shopify/polaris";

/** A card with a heading: the admin pages' sections ("Status", "Preview", "Conditions" …). */
export function SectionCard({ title, gap = "300", children }: { title: ReactNode; gap?: "200" | "300" | "400"; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap={gap}>
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {children}
      </BlockStack>
    </Card>
  );
}
