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
  Icon,
  IndexTable,
  InlineGrid,
  InlineStack,
  Layout,
  Modal,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { getEnv } from "../env.server";
import {
  ProgramStatusError,
  getProgramOverview,
  launchProgram,
  setProgramPaused,
  themeEditorEmbedUrl,
  type ProgramOverview,
  type SetupStepId,
} from "../loyalty/program/overview.server";
import { formatMoney } from "../loyalty/ledger/money";
import { latestReconcileRunForShop } from "../loyalty/reconcile/reconcile.server";
import { ReconcileCard } from "../components/ReconcileCard";
import { ByWidth } from "../components/ByWidth";
import { requireAdmin } from "../shopify/admin.server";
import { CheckCircleIcon, CircleIcon } from "../components/EarnIcons";
import { LedgerReason } from "../components/LedgerReason";
import { Metric } from "../components/Metric";
import { Sparkline } from "../components/Sparkline";
import { showToast } from "../components/showToast";
import { NeedsAttention } from "../components/NeedsAttention";
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

function SetupGuide({
  overview,
  themeEditorUrl,
  local,
  busyIntent,
  onLaunch,
}: {
  overview: ProgramOverview;
  themeEditorUrl: string;
  local: boolean;
  busyIntent: string | null;
  onLaunch: () => void;
}) {
  const { setup } = overview;
  const number = new Intl.NumberFormat(overview.shop.locale);
  const seen = setup.widgetSeenAt ? new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: overview.shop.timezone }).format(new Date(setup.widgetSeenAt)) : null;
  const count = (n: number, one: string, many: string) => `${number.format(n)} ${n === 1 ? one : many}`;
  // Done steps keep a plain link to their page; open steps get a button.
  const go = (done: boolean, url: string, label: string) => (
    <Button url={url} variant={done ? "plain" : undefined}>
      {label}
    </Button>
  );
  const done = Object.fromEntries(setup.steps.map((s) => [s.id, s.done])) as Record<SetupStepId, boolean>;
  const content: Record<SetupStepId, { title: string; text: string; action: ReactNode }> = {
    ways: {
      title: "Set up ways to earn",
      text:
        setup.counts.waysToEarn > 0
          ? `${count(setup.counts.waysToEarn, "way to earn is", "ways to earn are")} on.`
          : "Choose how members collect points: orders, signing up, birthdays, social follows.",
      action: go(done.ways, "/app/earn", "Ways to earn"),
    },
    rewards: {
      title: "Add a reward",
      text: setup.counts.rewards > 0 ? `${count(setup.counts.rewards, "reward is", "rewards are")} on.` : "Give members something to spend points on, like an amount off or free shipping.",
      action: go(done.rewards, "/app/rewards", "Rewards"),
    },
    tiers: {
      title: "Review your VIP tiers",
      text:
        setup.counts.tiers > 0
          ? `${count(setup.counts.tiers, "tier", "tiers")}: members move up by what they spend in a year. Check the thresholds suit your shop.`
          : "No tiers yet: add a ladder such as Bronze, Silver, Gold.",
      action: go(done.tiers, "/app/tiers", "VIP tiers"),
    },
    widget: {
      title: "Turn on the widget in your theme",
      text: seen
        ? `The widget first loaded in your store on ${seen}.`
        : "In the theme editor, switch on “Kanta rewards” under App embeds and save. This step is done when the widget first loads in your store.",
      action: (
        <InlineStack gap="200">
          <Button url={themeEditorUrl} external>
            Open theme editor
          </Button>
          {local ? <Button url="/local/storefront">Open storefront preview</Button> : null}
        </InlineStack>
      ),
    },
    launch: {
      title: "Launch your program",
      text:
        overview.program.status === "draft"
          ? "While it is a draft, nothing is earned, claimed or redeemed. Live: members earn points on paid orders, claim bonuses and redeem rewards."
          : "Your program is launched.",
      action:
        overview.program.status === "draft" ? (
          <Button variant="primary" onClick={onLaunch} loading={busyIntent === "launch"}>
            Launch program
          </Button>
        ) : null,
    },
  };
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Set up your loyalty program
          </Text>
          <InlineStack gap="300" blockAlign="center" wrap={false}>
            <Text as="p" tone="subdued">{`${setup.done} of ${setup.steps.length} steps done`}</Text>
            <div style={{ flex: "1 1 auto", maxWidth: 240 }}>
              <ProgressBar progress={(setup.done / setup.steps.length) * 100} size="small" tone="primary" />
            </div>
          </InlineStack>
        </BlockStack>
        <BlockStack gap="0" as="ol">
          {setup.steps.map((step, index) => {
            const c = content[step.id];
            return (
              <Box as="li" key={step.id} paddingBlock="300" borderBlockStartWidth={index === 0 ? undefined : "025"} borderColor="border-secondary">
                <InlineStack gap="300" blockAlign="start" wrap={false}>
                  <div style={{ flex: "none" }}>
                    <Icon source={step.done ? CheckCircleIcon : CircleIcon} tone={step.done ? "success" : "subdued"} accessibilityLabel={step.done ? "Done" : "To do"} />
                  </div>
                  <div style={{ flex: "1 1 auto", minWidth: 0 }}>
                    <BlockStack gap="200">
                      <BlockStack gap="050">
                        <Text as="h3" variant="bodyMd" fontWeight="semibold">
                          {c.title}
                        </Text>
                        <Text as="p" tone="subdued">
                          {c.text}
                        </Text>
                      </BlockStack>
                      {c.action && (!step.done || step.id !== "widget") ? <div>{c.action}</div> : null}
                    </BlockStack>
                  </div>
                </InlineStack>
              </Box>
            );
          })}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

function ProgramStatus({ status, busy, onChange }: { status: string; busy: boolean; onChange: (intent: "pause" | "resume") => void }) {
  const [confirming, setConfirming] = useState(false);
  const live = status === "live";
  return (
    <Card>
      <InlineStack align="space-between" blockAlign="center" gap="400">
        <div style={{ flex: "1 1 320px" }}>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              {live ? "Your program is live" : "Your program is paused"}
            </Text>
            <Text as="p" tone="subdued">
              {live
                ? "Members earn points on paid orders, claim bonuses and redeem rewards."
                : "Nothing is earned, claimed or redeemed, and the widget hides itself or tells shoppers the program is paused. Members keep their points."}
            </Text>
          </BlockStack>
        </div>
        {live ? (
          <Button onClick={() => setConfirming(true)} loading={busy}>
            Pause program
          </Button>
        ) : (
          <Button variant="primary" onClick={() => onChange("resume")} loading={busy}>
            Resume program
          </Button>
        )}
      </InlineStack>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Pause the program?"
        primaryAction={{
          content: "Pause program",
          destructive: true,
          onAction: () => {
            setConfirming(false);
            onChange("pause");
          },
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <Text as="p">Members keep their points, but nothing is earned, claimed or redeemed until you resume. Orders paid while the program is paused never earn points, also after you resume.</Text>
        </Modal.Section>
      </Modal>
    </Card>
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
