import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  IndexTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import { useEffect } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { getEnv } from "../env.server";
import {
  ProgramStatusError,
  getProgramOverview,
  launchProgram,
  setProgramPaused,
  themeEditorEmbedUrl,
} from "../loyalty/program/overview.server";
import { formatMoney } from "../loyalty/ledger/money";
import { latestReconcileRunForShop } from "../loyalty/reconcile/reconcile.server";
import { ReconcileCard } from "../components/ReconcileCard";
import { ByWidth } from "../components/ByWidth";
import { requireAdmin } from "../shopify/admin.server";
import { LedgerReason } from "../components/LedgerReason";
import { Metric } from "../components/Metric";
import { Sparkline } from "../components/Sparkline";
import { showToast } from "../components/showToast";
import { NeedsAttention } from "../components/NeedsAttention";
import { ProgramStatus } from "../components/home/ProgramStatus";
import { SetupGuide } from "../components/home/SetupGuide";
import { getAttention, runAttentionIntent } from "../loyalty/program/attention.server";

export const meta: MetaFunction = () => [{ title: "Home · Kanta" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, local } = await requireAdmin(request);
  const overview = await getProgramOverview(shop);
  // Nothing redeemed is -0 there. JSON made it 0; single fetch keeps -0, which renders "−0"
  // on the server and (turbo-stream folds it into an earlier 0) "0" in the browser.
  if (overview) overview.last30.pointsRedeemed ||= 0;
  return {
    overview,
    themeEditorUrl: themeEditorEmbedUrl(shop, getEnv().SHOPIFY_API_KEY),
    local,
    attention: await getAttention(shop),
    reconcile: await latestReconcileRunForShop(shop),
  };
};

export type HomeActionResult = { ok: boolean; message: string };

// Launch, pause and resume: expected refusals come back as data and show as a toast.
export const action = async ({ request }: ActionFunctionArgs): Promise<HomeActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  try {
    const attention = await runAttentionIntent(shop, form, undefined, actor);
    if (attention) return attention;
    if (intent === "launch") {
      const { launched } = await launchProgram(shop, undefined, undefined, actor);
      return { ok: true, message: launched ? "Your program is live" : "Your program is already live" };
    }
    if (intent === "pause" || intent === "resume") {
      await setProgramPaused(shop, intent === "pause", undefined, actor);
      return { ok: true, message: intent === "pause" ? "Program paused" : "Program resumed: it is live again" };
    }
    return { ok: false, message: "Unknown action" };
  } catch (error) {
    if (error instanceof ProgramStatusError) return { ok: false, message: error.message };
    throw error;
  }
};

const STATUS_TONE = { live: "success", draft: "attention", paused: "warning" } as const;

export default function Home() {
  const { overview, themeEditorUrl, local, attention, reconcile } = useLoaderData<typeof loader>();
  const status = useFetcher<typeof action>();
  useEffect(() => {
    if (status.state === "idle" && status.data) showToast(status.data.message, !status.data.ok);
  }, [status.state, status.data]);

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
  const locale = overview.shop.locale;
  const number = new Intl.NumberFormat(locale);
  const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: overview.shop.timezone });
  const day = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
  const problems = (overview.inbox.dead ?? 0) + (overview.inbox.invalid ?? 0);
  const submitStatus = (intent: string) => status.submit({ intent }, { method: "post" });
  const busyIntent = status.state !== "idle" ? String(status.formData?.get("intent") ?? "") : null;
  const { last30 } = overview;
  const peak = Math.max(0, ...last30.issuedPerDay);
  const value = overview.outstandingValue;

  const table = (smDown: boolean) => (
    <IndexTable
      resourceName={{ singular: "entry", plural: "entries" }}
      itemCount={overview.recent.length}
      selectable={false}
      condensed={smDown}
      headings={[{ title: "When" }, { title: "Member" }, { title: "Reason" }, { title: "Points", alignment: "end" }]}
    >
      {overview.recent.map((entry, index) => {
        const reason = <LedgerReason kind={entry.kind} note={entry.note} />;
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
  );
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
        {overview.shopifySync.tierDead + overview.shopifySync.tierRetrying > 0 || overview.shopifySync.storefrontError ? (
          <Layout.Section>
            <Banner tone="warning" title="Some changes have not reached Shopify yet">
              <BlockStack gap="100">
                {overview.shopifySync.tierDead > 0 ? (
                  <Text as="p">{`${number.format(overview.shopifySync.tierDead)} tier ${overview.shopifySync.tierDead === 1 ? "change" : "changes"} could not be written to the customer's tags and metafield: Shopify refused or kept failing. Points and tiers in Kanta are correct.`}</Text>
                ) : null}
                {overview.shopifySync.tierRetrying > 0 ? (
                  <Text as="p">{`${number.format(overview.shopifySync.tierRetrying)} tier ${overview.shopifySync.tierRetrying === 1 ? "change is" : "changes are"} being retried.`}</Text>
                ) : null}
                {overview.shopifySync.storefrontError ? (
                  <Text as="p">
                    {overview.shopifySync.storefrontDead
                      ? `The storefront widget has not received the program's status and look (${overview.shopifySync.storefrontError}). Kanta stopped retrying; it sends them again when you change the program's status or save Settings.`
                      : `The storefront widget has not received the program's status and look yet (${overview.shopifySync.storefrontError}). Kanta keeps retrying.`}
                  </Text>
                ) : null}
              </BlockStack>
            </Banner>
          </Layout.Section>
        ) : null}
        {attention?.any ? (
          <Layout.Section>
            <NeedsAttention attention={attention} timeZone={overview.shop.timezone} />
          </Layout.Section>
        ) : null}
        {overview.setup.show ? (
          <Layout.Section>
            <SetupGuide overview={overview} themeEditorUrl={themeEditorUrl} local={local} busyIntent={busyIntent} onLaunch={() => submitStatus("launch")} />
          </Layout.Section>
        ) : null}
        {overview.program.status !== "draft" ? (
          <Layout.Section>
            <ProgramStatus status={overview.program.status} busy={busyIntent === "pause" || busyIntent === "resume"} onChange={submitStatus} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="300">
            <Box paddingInline={{ xs: "400", sm: "0" }}>
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Last 30 days
                </Text>
                <Button variant="plain" url="/app/analytics?range=30d" accessibilityLabel="View analytics for the last 30 days">
                  View analytics
                </Button>
              </InlineStack>
            </Box>
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
              <Metric label="Members joined" value={number.format(last30.membersJoined)} help="New members, by sign-up or first order" />
              <Metric label="Points issued" value={number.format(last30.pointsIssued)} help={peak > 0 ? `Busiest day: ${number.format(peak)} points` : "Per day, from orders, sign-ups, bonuses and adjustments"}>
                <Sparkline
                  values={last30.issuedPerDay}
                  label={`Points issued per day from ${day.format(new Date(`${last30.days[0]}T00:00:00Z`))} to ${day.format(new Date(`${last30.days[last30.days.length - 1]}T00:00:00Z`))}: ${last30.issuedPerDay.join(", ")}`}
                />
              </Metric>
              <Metric label="Points redeemed" value={number.format(last30.pointsRedeemed)} help="Spent on rewards (failed codes refunded)" />
            </InlineGrid>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
            <Metric label="Members" value={number.format(overview.members)} />
            <Metric
              label="Points outstanding"
              value={number.format(overview.outstandingPoints)}
              help={
                value
                  ? `Worth about ${formatMoney(value.valueMinor, overview.shop.currencyCode, locale)}, valued like “${value.reward.name}” (${number.format(value.reward.pointsCost)} points)`
                  : "No amount-off reward to value points with"
              }
            />
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
                <ByWidth narrow={table(true)} wide={table(false)} />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        {reconcile ? (
          <Layout.Section>
            <ReconcileCard run={reconcile} timeZone={overview.shop.timezone} />
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}

function formatPoints(points: number, pending: number): string {
  const sign = (n: number) => (n > 0 ? `+${n}` : `${n}`);
  if (pending !== 0 && points === 0) return `${sign(pending)} pending`;
  return sign(points);
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
