import { Badge, BlockStack, Box, Button, Card, IndexTable, Text } from "@shopify/polaris";
import type { EmailOccasionKind } from "../../loyalty/notify/email-texts";
import { OCCASION_LABELS, type EmailsPageView } from "../../loyalty/notify/emails-page";
import { EMAIL_OCCASION_KINDS } from "../../loyalty/notify/occasions";

// The Emails page's list of occasions: on/off, audience, default or own text; a row opens its editor.

export function OccasionsCard({
  page,
  onEdit,
}: {
  page: EmailsPageView;
  onEdit: (kind: EmailOccasionKind) => void;
}) {
  const rows = EMAIL_OCCASION_KINDS.map((kind, index) => {
    const s = page.settings.occasions[kind];
    const custom = Object.keys(s.texts).length > 0;
    return (
      <IndexTable.Row
        id={kind}
        key={kind}
        position={index}
        onClick={() => onEdit(kind)}
      >
        <IndexTable.Cell>
          <BlockStack gap="050">
            <Text as="span" variant="bodyMd" fontWeight="semibold">
              {OCCASION_LABELS[kind].title}
            </Text>
            <div style={{ whiteSpace: "normal", minWidth: 200 }}>
              <Text as="span" variant="bodySm" tone="subdued">
                {OCCASION_LABELS[kind].when}
              </Text>
            </div>
          </BlockStack>
        </IndexTable.Cell>
        <IndexTable.Cell>
          {s.on ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
        </IndexTable.Cell>
        <IndexTable.Cell>
          {s.audience === "all" ? "Every member" : "Subscribed only"}
        </IndexTable.Cell>
        <IndexTable.Cell>
          {custom ? "Your text" : "Default text"}
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Button
            variant="plain"
            onClick={() => onEdit(kind)}
            accessibilityLabel={`Edit ${OCCASION_LABELS[kind].title}`}
          >
            Edit
          </Button>
        </IndexTable.Cell>
      </IndexTable.Row>
    );
  });
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Occasions
          </Text>
          <Text as="p" tone="subdued">
            Each email goes once per member and occasion, in the member&apos;s
            language (else your store&apos;s), with their balance, tier progress
            and a button to your rewards.
          </Text>
        </BlockStack>
      </Box>
      <IndexTable
        resourceName={{ singular: "occasion", plural: "occasions" }}
        itemCount={EMAIL_OCCASION_KINDS.length}
        selectable={false}
        headings={[
          { title: "Occasion" },
          { title: "Status" },
          { title: "Audience" },
          { title: "Text" },
          { title: "", hidden: true },
        ]}
      >
        {rows}
      </IndexTable>
    </Card>
  );
}
