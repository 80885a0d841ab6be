import { useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, EmptyState, IndexTable, InlineGrid, InlineStack, Select, Text } from "@shopify/polaris";
import { isEmailOccasionKind } from "../../loyalty/notify/email-settings";
import { OCCASION_LABELS, type EmailsPageView } from "../../loyalty/notify/emails-page";
import { EMAIL_OCCASION_KINDS } from "../../loyalty/notify/occasions";

// The Emails page's delivery log: the last emails with their status and error, filtered
// by status and occasion through the URL.

const STATUS_TONE: Record<
  string,
  "success" | "critical" | "attention" | undefined
> = {
  sent: "success",
  dead: "critical",
  pending: "attention",
  skipped: undefined,
};

export function DeliveryLog({ page }: { page: EmailsPageView }) {
  const [params, setParams] = useSearchParams();
  const setFilter = (key: "status" | "kind") => (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { preventScrollReset: true });
  };
  const count = (s: string) => page.counts[s] ?? 0;
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Text as="h2" variant="headingMd">
              Delivery log
            </Text>
            <Text as="p" tone="subdued">
              {count("sent")} sent · {count("pending")} waiting ·{" "}
              {count("skipped")} skipped · {count("dead")} failed · at most{" "}
              {page.hourlyCap} an hour
            </Text>
          </InlineStack>
          <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
            <Select
              label="Status"
              options={[
                { label: "All", value: "" },
                { label: "Sent", value: "sent" },
                { label: "Waiting", value: "pending" },
                { label: "Skipped", value: "skipped" },
                { label: "Failed", value: "dead" },
              ]}
              value={page.filter.status ?? ""}
              onChange={setFilter("status")}
            />
            <Select
              label="Occasion"
              options={[
                { label: "All", value: "" },
                ...EMAIL_OCCASION_KINDS.map((k) => ({
                  label: OCCASION_LABELS[k].title,
                  value: k,
                })),
              ]}
              value={page.filter.kind ?? ""}
              onChange={setFilter("kind")}
            />
          </InlineGrid>
        </BlockStack>
      </Box>
      {page.log.length === 0 ? (
        <EmptyState heading="No emails yet" image="">
          <p>
            Emails appear here as members join, earn and move between tiers.
          </p>
        </EmptyState>
      ) : (
        <IndexTable
          resourceName={{ singular: "email", plural: "emails" }}
          itemCount={page.log.length}
          selectable={false}
          headings={[
            { title: "Occasion" },
            { title: "To" },
            { title: "Status" },
            { title: "When" },
            { title: "Details" },
          ]}
        >
          {page.log.map((row, index) => (
            <IndexTable.Row id={row.id} key={row.id} position={index}>
              <IndexTable.Cell>
                {isEmailOccasionKind(row.kind)
                  ? OCCASION_LABELS[row.kind].title
                  : row.kind}
              </IndexTable.Cell>
              <IndexTable.Cell>{row.recipient ?? "—"}</IndexTable.Cell>
              <IndexTable.Cell>
                <Badge tone={STATUS_TONE[row.status]}>
                  {row.status === "dead"
                    ? "Failed"
                    : row.status === "pending"
                    ? "Waiting"
                    : row.status[0]!.toUpperCase() + row.status.slice(1)}
                </Badge>
              </IndexTable.Cell>
              <IndexTable.Cell>
                {new Date(row.sentAt ?? row.createdAt).toLocaleString()}
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Box maxWidth="420px">
                  <Text
                    as="span"
                    variant="bodySm"
                    tone={row.status === "dead" ? "critical" : "subdued"}
                    breakWord
                  >
                    {row.lastError
                      ? `${row.lastError}${
                          row.attempts > 1 ? ` (${row.attempts} attempts)` : ""
                        }`
                      : row.status === "sent" && row.attempts > 1
                      ? `${row.attempts} attempts`
                      : ""}
                  </Text>
                </Box>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      )}
    </Card>
  );
}
