import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Card,
  EmptyState,
  IndexTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
  useBreakpoints,
} from "@shopify/polaris";
import { getProgramOverview } from "../loyalty/overview.server";
import { requireAdmin } from "../shopify/admin.server";
import { LedgerReason } from "../components/LedgerReason";
import { Metric } from "../components/Metric";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { overview: await getProgramOverview(shop) };
};

const STATUS_TONE = { live: "success", draft: "attention", paused: "warning" } as const;

export default function Home() {
  const { overview } = useLoaderData<typeof loader>();
  const { smDown } = useBreakpoints();
  if (!overview) {
    return (
      <Page title="Kanta">
        <Card>
          <EmptyState heading="Kanta is installing" image="">
            <p>Your program is being set up. Reload this page in a moment.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const number = new Intl.NumberFormat("en");
  const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: overview.shop.timezone });
  const problems = (overview.inbox.dead ?? 0) + (overview.inbox.invalid ?? 0);
  return (
    <Page
      title="Home"
      subtitle={overview.shop.name}
      titleMetadata={
        <Badge tone={STATUS_TONE[overview.program.status as keyof typeof STATUS_TONE] ?? "info"}>
          {overview.program.status === "live" ? "Live" : overview.program.status === "paused" ? "Paused" : "Draft"}
        </Badge>
      }
    >
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
            <Metric label="Members" value={number.format(overview.members)} />
            <Metric label="Points outstanding" value={number.format(overview.outstandingPoints)} />
            <Metric label="Points pending" value={number.format(overview.pendingPoints)} help="Within the return window" />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <BlockStack>
              <div style={{ padding: "var(--p-space-400)" }}>
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Recent points activity
                  </Text>
                  {problems > 0 ? <Badge tone="critical">{`${problems} webhook events need attention`}</Badge> : null}
                </InlineStack>
              </div>
              {overview.recent.length === 0 ? (
                <EmptyState heading="No points activity yet" image="">
                  <p>Points appear here as soon as a customer joins or an order is paid.</p>
                </EmptyState>
              ) : (
                <IndexTable
                  resourceName={{ singular: "entry", plural: "entries" }}
                  itemCount={overview.recent.length}
                  selectable={false}
                  condensed={smDown}
                  headings={[{ title: "When" }, { title: "Member" }, { title: "Reason" }, { title: "Points", alignment: "end" }]}
                >
                  {overview.recent.map((entry, index) => {
                    const reason = (
                      <LedgerReason kind={entry.kind} note={entry.note} />
                    );
                    const points = (
                      <Text as="span" alignment="end" numeric fontWeight="semibold" tone={entry.points + entry.pendingPoints < 0 ? "critical" : undefined}>
                        {formatPoints(entry.points, entry.pendingPoints)}
                      </Text>
                    );
                    if (smDown) {
                      // Phones: one stacked cell per entry instead of a sideways-scrolling table.
                      return (
                        <IndexTable.Row id={entry.id} key={entry.id} position={index}>
                          <div style={{ padding: "var(--p-space-300) var(--p-space-400)" }}>
                            <BlockStack gap="100">
                              <InlineStack align="space-between" blockAlign="start" wrap={false} gap="200">
                                <Text as="span" fontWeight="semibold">
                                  {entry.member}
                                </Text>
                                {points}
                              </InlineStack>
                              {reason}
                              <Text as="span" tone="subdued" variant="bodySm">
                                {dateTime.format(new Date(entry.at))}
                              </Text>
                            </BlockStack>
                          </div>
                        </IndexTable.Row>
                      );
                    }
                    return (
                      <IndexTable.Row id={entry.id} key={entry.id} position={index}>
                        <IndexTable.Cell>{dateTime.format(new Date(entry.at))}</IndexTable.Cell>
                        <IndexTable.Cell>{entry.member}</IndexTable.Cell>
                        <IndexTable.Cell>{reason}</IndexTable.Cell>
                        <IndexTable.Cell>{points}</IndexTable.Cell>
                      </IndexTable.Row>
                    );
                  })}
                </IndexTable>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function formatPoints(points: number, pending: number): string {
  const sign = (n: number) => (n > 0 ? `+${n}` : `${n}`);
  if (pending !== 0 && points === 0) return `${sign(pending)} pending`;
  return sign(points);
}

