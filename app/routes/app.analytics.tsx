import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { BlockStack, Box, Button, Card, DataTable, InlineGrid, InlineStack, Layout, List, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState, type ReactNode } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { requireAdmin } from "../shopify/admin.server";
import { getAnalyticsPage, type AnalyticsReport, type PeriodFigures, type SegmentFigures } from "../loyalty/analytics/report.server";
import { formatMoney } from "../loyalty/ledger/money";
import { CsvButton, ShareChart, TrendChart } from "../components/AnalyticsCharts";
import { Metric } from "../components/Metric";

export const meta: MetaFunction = () => [{ title: "Analytics · Kanta" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const url = new URL(request.url);
  const q = (name: string) => url.searchParams.get(name);
  const report = await getAnalyticsPage(shop, { preset: q("range"), from: q("from"), to: q("to"), compare: q("compare") });
  return { report };
};

const RANGE_OPTIONS = [
  { label: "Last 30 days", value: "30d" },
  { label: "Last 90 days", value: "90d" },
  { label: "Last 365 days", value: "365d" },
  { label: "This year", value: "year" },
  { label: "Custom dates", value: "custom" },
];
const COMPARE_OPTIONS = [
  { label: "Previous period", value: "previous" },
  { label: "Same period last year", value: "last_year" },
  { label: "No comparison", value: "none" },
];

const number = new Intl.NumberFormat("en");
const percent = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 });
const decimal = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
const dayFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const shortDay = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", timeZone: "UTC" });
const plural = (n: number, word: string) => `${number.format(n)} ${word}${n === 1 ? "" : "s"}`;
const showDay = (day: string) => dayFormat.format(new Date(`${day}T00:00:00Z`));

function change(current: number | null, previous: number | null | undefined): string | null {
  if (previous === undefined || previous === null || current === null) return null;
  if (previous === 0) return current === 0 ? "No change" : "New in this period";
  const ratio = (current - previous) / Math.abs(previous);
  return `${ratio >= 0 ? "+" : "−"}${percent.format(Math.abs(ratio))}`;
}

function Figure({ label, value, previous, help }: { label: string; value: string; previous?: string | null; help?: string }) {
  return (
    <Metric label={label} value={value} help={help}>
      {previous ? (
        <Text as="p" variant="bodySm" tone="subdued">
          {previous}
        </Text>
      ) : null}
    </Metric>
  );
}

function Section({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <BlockStack gap="300">
      <Box paddingInline={{ xs: "400", sm: "0" }}>
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          {action}
        </InlineStack>
      </Box>
      {children}
    </BlockStack>
  );
}

export default function AnalyticsPage() {
  const { report } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const [range, setRange] = useState<string>(report.preset);
  const [compare, setCompare] = useState<string>(report.compare);
  const [from, setFrom] = useState(report.current.range.from);
  const [to, setTo] = useState(report.current.range.to);
  const { current: cur, previous: prev, shop } = report;
  const money = (minor: number | null) => (minor === null ? "—" : formatMoney(minor, shop.currencyCode));
  const vs = (c: number | null, p: number | null | undefined) => {
    const text = change(c, p);
    return text && prev ? `${text} vs ${showDay(prev.range.from)} – ${showDay(prev.range.to)}` : null;
  };
  const periodLabel = `${showDay(cur.range.from)} – ${showDay(cur.range.to)}`;
  const fileSuffix = `${cur.range.from}_${cur.range.to}`;

  const seriesLabel = (from: string) => shortDay.format(new Date(`${from}T00:00:00Z`));
  const revenueSeries = [
    { name: "Members", data: report.series.points.map((p) => ({ key: seriesLabel(p.from), value: p.memberRevenueMinor / 100 })) },
    { name: "Non-members", data: report.series.points.map((p) => ({ key: seriesLabel(p.from), value: p.nonMemberRevenueMinor / 100 })) },
  ];
  const pointsSeries = [
    { name: "Issued", data: report.series.points.map((p) => ({ key: seriesLabel(p.from), value: p.pointsIssued })) },
    { name: "Redeemed", data: report.series.points.map((p) => ({ key: seriesLabel(p.from), value: p.pointsRedeemed })) },
  ];
  const movementSeries = [
    { name: "Moved up", data: report.series.points.map((p) => ({ key: seriesLabel(p.from), value: p.tierUp })) },
    { name: "Moved down", data: report.series.points.map((p) => ({ key: seriesLabel(p.from), value: p.tierDown })) },
  ];
  const per = report.series.bucket === "day" ? "day" : report.series.bucket === "week" ? "week" : "month";
  const sumOf = (f: (p: (typeof report.series.points)[number]) => number) => report.series.points.reduce((s, p) => s + f(p), 0);

  const segmentRows = (s: SegmentFigures) => [
    number.format(s.orders),
    money(s.revenueMinor),
    s.revenueShare === null ? "—" : percent.format(s.revenueShare),
    money(s.aovMinor),
    s.customers === null ? "—" : `≈ ${number.format(s.customers)}`,
    s.repeatRate === null ? "—" : percent.format(s.repeatRate),
    s.ordersPerCustomer === null ? "—" : decimal.format(s.ordersPerCustomer),
  ];
  const segmentHeadings = ["Segment", "Orders", "Revenue", "Revenue share", "Average order", "Customers", "Repeat purchase rate", "Orders per customer"];
  const compareRows: [string, SegmentFigures][] = [
    ["Members", cur.members],
    ["Non-members", cur.nonMembers],
    ["All customers", cur.all],
  ];
  const tierRows: [string, SegmentFigures][] = cur.tiers.map((t) => [t.name, t.figures]);
  const csvOf = (rows: [string, SegmentFigures][]) => () => [
    segmentHeadings,
    ...rows.map(([name, s]) => [name, s.orders, s.revenueMinor / 100, s.revenueShare, s.aovMinor === null ? null : s.aovMinor / 100, s.customers, s.repeatRate, s.ordersPerCustomer]),
  ];

  const roi = report.roi;
  const roiRatio = roi.rewardCostMinor > 0 ? roi.attributedRevenueMinor / roi.rewardCostMinor : null;
  const liabilityHelp = report.liability.basis
    ? `${number.format(report.liability.points)} spendable + ${number.format(report.liability.pendingPoints)} pending points at ${formatMoney(report.liability.basis.minorPerPoint, shop.currencyCode)} a point ("${report.liability.basis.rewardName}")`
    : "No fixed-value reward (amount off or points to money) to value points with";

  return (
    <Page title="Analytics" subtitle="Is the program worth it? Members against other customers, what rewards cost, what the program brings back.">
      <Layout>
        <Layout.Section>
          <Card>
            <Form method="get">
              <BlockStack gap="300">
                <InlineGrid columns={{ xs: 1, sm: 2, md: range === "custom" ? 4 : 2 }} gap="300">
                  <Select label="Date range" name="range" options={RANGE_OPTIONS} value={range} onChange={setRange} />
                  {range === "custom" ? (
                    <>
                      <TextField label="From" name="from" type="date" value={from} onChange={setFrom} autoComplete="off" />
                      <TextField label="To" name="to" type="date" value={to} onChange={setTo} autoComplete="off" />
                    </>
                  ) : null}
                  <Select label="Compare with" name="compare" options={COMPARE_OPTIONS} value={compare} onChange={setCompare} />
                </InlineGrid>
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  <Text as="p" tone="subdued">
                    {periodLabel} · days in {shop.ianaTimezone} · amounts in {shop.currencyCode}
                  </Text>
                  <Button submit variant="primary" loading={navigation.state === "loading"}>
                    Apply
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Section title="Money">
            <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="300">
              <Figure label="Revenue from members" value={money(cur.members.revenueMinor)} previous={vs(cur.members.revenueMinor, prev?.members.revenueMinor)} help={cur.members.revenueShare === null ? undefined : `${percent.format(cur.members.revenueShare)} of all revenue`} />
              <Figure label="Revenue from referred customers" value={money(cur.all.referredRevenueMinor)} previous={vs(cur.all.referredRevenueMinor, prev?.all.referredRevenueMinor)} help={plural(cur.all.referredOrders, "order")} />
              <Figure label="Cost of rewards used on orders" value={money(cur.all.rewardDiscountMinor)} previous={vs(cur.all.rewardDiscountMinor, prev?.all.rewardDiscountMinor)} help={`Kanta codes on ${plural(cur.all.rewardOrders, "order")}`} />
              <Figure label="Outstanding points liability" value={money(report.liability.valueMinor)} help={liabilityHelp} />
            </InlineGrid>
            <Card>
              <BlockStack gap="200">
                <Text as="h3" variant="headingSm">
                  Return on rewards
                </Text>
                <Text as="p">
                  Orders that used a Kanta reward or came from a referral brought <strong>{money(roi.attributedRevenueMinor)}</strong> ({money(cur.all.rewardRevenueMinor)} with a reward, {money(cur.all.referredRevenueMinor)} referred), against <strong>{money(roi.rewardCostMinor)}</strong> of rewards used on orders
                  {roiRatio === null ? "." : <>: {decimal.format(roiRatio)} of revenue for each 1 of reward cost.</>}
                </Text>
                <Text as="p" tone="subdued">
                  {roi.memberAovLiftMinor === null
                    ? "Members' and other customers' average orders cannot be compared yet in this range."
                    : `Members' average order is ${money(cur.members.aovMinor)} against ${money(cur.nonMemberCustomers.aovMinor)} for other customers with an account: a difference of ${money(roi.memberAovLiftMinor)} over members' ${number.format(cur.members.orders)} orders. A difference, not proof the program caused it.`}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h3" variant="headingSm">
                  Revenue per {per}: members and non-members
                </Text>
                <TrendChart
                  series={revenueSeries}
                  format={(v) => formatMoney(Math.round(v * 100), shop.currencyCode)}
                  summary={`Line chart. Revenue from ${periodLabel}: members ${money(sumOf((p) => p.memberRevenueMinor))}, non-members ${money(sumOf((p) => p.nonMemberRevenueMinor))}. The table "Members and non-members" has the figures.`}
                />
              </BlockStack>
            </Card>
          </Section>
        </Layout.Section>

        <Layout.Section>
          <Section title="Members and non-members" action={<CsvButton filename={`kanta-members-vs-non-members_${fileSuffix}.csv`} rows={csvOf(compareRows)} />}>
            <Card padding="0">
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                headings={segmentHeadings}
                rows={compareRows.map(([name, s]) => [name, ...segmentRows(s)])}
                hasZebraStripingOnData
                stickyHeader={false}
              />
            </Card>
            {prev ? (
              <Box paddingInline={{ xs: "400", sm: "0" }}>
                <Text as="p" variant="bodySm" tone="subdued">
                  Repeat purchase rate in {showDay(prev.range.from)} – {showDay(prev.range.to)}: members {prev.members.repeatRate === null ? "—" : percent.format(prev.members.repeatRate)}, non-members {prev.nonMembers.repeatRate === null ? "—" : percent.format(prev.nonMembers.repeatRate)}.
                </Text>
              </Box>
            ) : null}
          </Section>
        </Layout.Section>

        <Layout.Section>
          <Section title="By tier" action={<CsvButton filename={`kanta-by-tier_${fileSuffix}.csv`} rows={csvOf(tierRows)} />}>
            <Card padding="0">
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                headings={["Tier", ...segmentHeadings.slice(1)]}
                rows={tierRows.map(([name, s]) => [name, ...segmentRows(s)])}
                hasZebraStripingOnData
              />
            </Card>
          </Section>
        </Layout.Section>

        <Layout.Section>
          <Section title="Program">
            <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="300">
              <Figure label="Members joined" value={number.format(cur.membersJoined)} previous={vs(cur.membersJoined, prev?.membersJoined)} />
              <Figure label="Active members" value={`≈ ${number.format(cur.activeMembers)}`} previous={vs(cur.activeMembers, prev?.activeMembers)} help="Earned or redeemed points" />
              <Figure label="Points issued" value={number.format(cur.points.issued)} previous={vs(cur.points.issued, prev?.points.issued)} />
              <Figure label="Points redeemed" value={number.format(cur.points.redeemed)} previous={vs(cur.points.redeemed, prev?.points.redeemed)} help={cur.points.redemptionRate === null ? undefined : `Redemption rate ${percent.format(cur.points.redemptionRate)}`} />
              <Figure label="Points expired" value={number.format(cur.points.expired)} previous={vs(cur.points.expired, prev?.points.expired)} />
              <Figure label="Points adjusted by staff" value={number.format(cur.points.adjusted)} />
              <Figure label="Rewards redeemed" value={number.format(cur.codesIssued)} previous={vs(cur.codesIssued, prev?.codesIssued)} />
              <Figure label="Orders that used a reward code" value={number.format(cur.codesUsed)} previous={vs(cur.codesUsed, prev?.codesUsed)} />
            </InlineGrid>
            <Card>
              <BlockStack gap="200">
                <Text as="h3" variant="headingSm">
                  Points issued and redeemed per {per}
                </Text>
                <TrendChart series={pointsSeries} format={(v) => number.format(v)} summary={`Line chart. Points from ${periodLabel}: ${number.format(cur.points.issued)} issued, ${number.format(cur.points.redeemed)} redeemed.`} />
              </BlockStack>
            </Card>
            <Card padding="0">
              <Box padding="400">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h3" variant="headingSm">
                    Rewards redeemed
                  </Text>
                  <CsvButton
                    filename={`kanta-rewards_${fileSuffix}.csv`}
                    rows={() => [["Reward", "Redeemed", "Points spent"], ...cur.rewards.map((r) => [r.name, r.redeemed, r.points])]}
                  />
                </InlineStack>
              </Box>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={["Reward", "Redeemed", "Points spent"]}
                rows={cur.rewards.length ? cur.rewards.map((r) => [r.name, number.format(r.redeemed), number.format(r.points)]) : [["No rewards redeemed in this range", "", ""]]}
              />
            </Card>
          </Section>
        </Layout.Section>

        <Layout.Section>
          <Section
            title="Tiers"
            action={<CsvButton filename="kanta-tier-distribution.csv" rows={() => [["Tier", "Members"], ...report.tierDistribution.map((t) => [t.name, t.members])]} />}
          >
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
              <Card>
                <BlockStack gap="200">
                  <Text as="h3" variant="headingSm">
                    Members by tier today
                  </Text>
                  <ShareChart
                    series={report.tierDistribution.map((t) => ({ name: t.name, data: [{ key: t.name, value: t.members }] }))}
                    summary={`Donut chart. Active members by tier: ${report.tierDistribution.map((t) => `${t.name} ${number.format(t.members)}`).join(", ")}.`}
                  />
                  <DataTable columnContentTypes={["text", "numeric"]} headings={["Tier", "Members"]} rows={report.tierDistribution.map((t) => [t.name, number.format(t.members)])} />
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h3" variant="headingSm">
                    Tier moves per {per}
                  </Text>
                  <Text as="p" tone="subdued">
                    {number.format(cur.tierUp)} moved up and {number.format(cur.tierDown)} moved down in this range
                    {prev ? ` (${number.format(prev.tierUp)} up, ${number.format(prev.tierDown)} down before)` : ""}.
                  </Text>
                  <TrendChart type="bar" series={movementSeries} format={(v) => number.format(v)} summary={`Bar chart. Tier moves from ${periodLabel}: ${number.format(cur.tierUp)} up, ${number.format(cur.tierDown)} down.`} />
                </BlockStack>
              </Card>
            </InlineGrid>
          </Section>
        </Layout.Section>

        <Layout.Section>
          <HowCalculated report={report} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function HowCalculated({ report }: { report: AnalyticsReport }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          How this is calculated
        </Text>
        <List>
          <List.Item>Days are calendar days in the shop&apos;s time zone ({report.shop.ianaTimezone}); amounts are shop money ({report.shop.currencyCode}).</List.Item>
          <List.Item>Revenue: paid orders that are not cancelled, counted on the day they were placed: line amounts after discounts, without taxes, shipping, tips and gift cards, less refunds and edits. Refunds lower the day the order was placed.</List.Item>
          <List.Item>Members: customers who were active program members when the order was first counted. Non-members: other customers with an account, and guest checkouts. By tier: the member&apos;s tier at that moment.</List.Item>
          <List.Item>Repeat purchase rate: of the customers who ordered in the range, the share who had bought at least twice by the end of it (counting orders Kanta has seen since it was installed). Orders per customer: orders from customers with an account over the number of those customers. Guests cannot be told apart, so they are left out of both.</List.Item>
          <List.Item>Customers and active members (marked ≈) are estimated with a distinct-count sketch: typically within 3 % (a unit or two for a few dozen). Every other number is exact.</List.Item>
          <List.Item>Active members: members who earned or redeemed points in the range. Points figures come from the points ledger, up to a minute ago.</List.Item>
          <List.Item>Outstanding points liability: spendable and pending points of active members valued at the best fixed-value reward (the most money per point among &quot;amount off&quot; and &quot;points to money&quot; rewards): the most the points could cost you if every point were redeemed.</List.Item>
          <List.Item>Cost of rewards used on orders: the discount amounts Shopify reports for Kanta reward codes on paid orders in the range.</List.Item>
          <List.Item>Return on rewards: revenue of orders that used a Kanta reward code or came from a referred customer, set against that cost. The members&apos; difference in average order is shown as a difference only: members may simply be the shop&apos;s keenest customers.</List.Item>
          <List.Item>Rewards redeemed: points spent on each reward, less redemptions that failed and gave the points back. Orders that used a reward code: paid orders with a Kanta code on them.</List.Item>
          <List.Item>Tier moves come from the tier history; a move to a higher-ranked tier counts as up. Members joined: members created in the range.</List.Item>
        </List>
      </BlockStack>
    </Card>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
export type { PeriodFigures };
