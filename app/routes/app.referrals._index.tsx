import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  EmptyState,
  IndexTable,
  InlineGrid,
  InlineStack,
  Page,
  Select,
  Text,
  TextField,
  useBreakpoints,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Metric } from "../components/Metric";
import { formatMoney } from "../loyalty/ledger/money";
import { REFERRAL_STATUS_LABELS, isReferralStatus } from "../loyalty/referrals/lifecycle";
import { decideReferral, listReferrals, saveFriendDailyCap, type ReferralRowView } from "../loyalty/referrals/admin.server";
import { issueReferrerRewardCodes } from "../jobs/referral-rewards.server";
import { requireAdmin } from "../shopify/admin.server";
import { referralGateway } from "../shopify/referral-contacts.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const url = new URL(request.url);
  const status = url.searchParams.get("status") ?? "";
  const cursor = url.searchParams.get("cursor")?.slice(0, 100) || undefined;
  return listReferrals(shop, { status: isReferralStatus(status) ? status : undefined, cursor });
};

export type ReferralActionResult = { ok: true; message: string } | { ok: false; message: string; field?: "cap" };

// Built on call, not at module level: the browser bundle gets empty .server modules.
function decisionSchema() {
  return z.object({ intent: z.enum(["approve", "reject"]), id: z.string().min(1).max(100) });
}

function dailyCapSchema() {
  return z.object({ intent: z.literal("daily_cap"), cap: z.string().max(20) });
}

export const action = async ({ request }: ActionFunctionArgs): Promise<ReferralActionResult> => {
  const { shop, staff, graphql, actor } = await requireAdmin(request);
  const form = Object.fromEntries(await request.formData());
  // The shop-wide daily cap on friend welcome codes (docs/decisions/0013-abuse-limits.md).
  const cap = dailyCapSchema().safeParse(form);
  if (cap.success) {
    const saved = await saveFriendDailyCap(shop, cap.data.cap, undefined, actor);
    return saved.ok ? { ok: true, message: `Daily limit saved: ${saved.cap.toLocaleString("en")} welcome codes a day` } : { ok: false, message: saved.error, field: "cap" };
  }
  const parsed = decisionSchema().safeParse(form);
  if (!parsed.success) return { ok: false, message: "Unknown action" };
  const result = await decideReferral({ shopDomain: shop, referralId: parsed.data.id, decision: parsed.data.intent, staff, actor });
  if (!result.ok) return result;
  // An approved discount reward's code: created now with the merchant's session; what fails is retried by the sweep.
  if (result.rewardCodes.length) await issueReferrerRewardCodes(result.rewardCodes, { gatewayFor: async () => referralGateway(graphql) });
  const messages: Record<string, string> = {
    completed: "Referral approved. The reward is paid.",
    pending: "Referral approved. The reward is paid when the pending period ends.",
    cancelled: "The friend's order was cancelled or refunded, so the referral is cancelled.",
    rejected: "Referral rejected. No reward is paid.",
  };
  return { ok: true, message: messages[result.status] ?? "Referral updated" };
};

const STATUS_TONES: Record<string, "success" | "attention" | "info" | "critical" | undefined> = {
  completed: "success",
  held: "attention",
  pending: "info",
  friend_rewarded: "info",
  rejected: "critical",
};

const FILTERS = ["", "held", "visited", "friend_rewarded", "pending", "completed", "rejected", "cancelled"] as const;

export default function Referrals() {
  const data = useLoaderData<typeof loader>();
  const { rows, nextCursor, counts, stats, currencyCode, timezone, enabled, welcomeCodes } = data;
  const capForm = useFetcher<typeof action>();
  const [capText, setCapText] = useState(String(welcomeCodes.cap));
  useEffect(() => setCapText(String(welcomeCodes.cap)), [welcomeCodes.cap]);
  const capError = capForm.state === "idle" && capForm.data && !capForm.data.ok && capForm.data.field === "cap" ? capForm.data.message : undefined;
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const decide = useFetcher<typeof action>();
  const { smDown } = useBreakpoints();

  useEffect(() => {
    if (decide.state !== "idle" || !decide.data) return;
    shopify.toast.show(decide.data.message, { isError: !decide.data.ok });
  }, [decide.state, decide.data, shopify]);
  useEffect(() => {
    if (capForm.state !== "idle" || !capForm.data?.ok) return;
    shopify.toast.show(capForm.data.message);
  }, [capForm.state, capForm.data, shopify]);

  const status = searchParams.get("status") ?? "";
  const formatAmount = (minor: number) => formatMoney(minor, currencyCode, "en");
  const number = new Intl.NumberFormat("en");
  const date = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: timezone });
  const busyId = decide.state !== "idle" ? String(decide.formData?.get("id") ?? "") : null;

  const setStatus = (value: string) => {
    const next = new URLSearchParams();
    if (value) next.set("status", value);
    navigate(`?${next}`, { replace: true });
  };

  const decisionButtons = (r: ReferralRowView) =>
    r.status === "held" ? (
      <ButtonGroup>
        <Button
          variant="primary"
          size="slim"
          accessibilityLabel={`Approve referral of ${r.friend.email ?? "friend"} by ${r.referrer.name}`}
          loading={busyId === r.id && decide.formData?.get("intent") === "approve"}
          disabled={busyId !== null}
          onClick={() => decide.submit({ intent: "approve", id: r.id }, { method: "post" })}
        >
          Approve
        </Button>
        <Button
          tone="critical"
          size="slim"
          accessibilityLabel={`Reject referral of ${r.friend.email ?? "friend"} by ${r.referrer.name}`}
          loading={busyId === r.id && decide.formData?.get("intent") === "reject"}
          disabled={busyId !== null}
          onClick={() => decide.submit({ intent: "reject", id: r.id }, { method: "post" })}
        >
          Reject
        </Button>
      </ButtonGroup>
    ) : null;

  const statusBadge = (r: ReferralRowView) => <Badge tone={STATUS_TONES[r.status]}>{REFERRAL_STATUS_LABELS[r.status]}</Badge>;
  const note = (r: ReferralRowView) => {
    if (r.reasons.length) return r.reasons.join(", ");
    if (r.status === "pending" && r.rewardAvailableAt) return `Reward on ${date.format(new Date(r.rewardAvailableAt))}`;
    return null;
  };
  const decided = (r: ReferralRowView) =>
    r.decidedBy && r.decidedBy !== "system" ? `Decided by ${r.decidedBy === "local-demo" ? "staff (local demo)" : r.decidedBy.replace(/^staff:/, "")}` : null;

  const table = (
    <IndexTable
      resourceName={{ singular: "referral", plural: "referrals" }}
      itemCount={rows.length}
      selectable={false}
      condensed={smDown}
      loading={navigation.state === "loading"}
      headings={[{ title: "Referrer" }, { title: "Friend" }, { title: "Order value", alignment: "end" }, { title: "Date" }, { title: "Status" }, { title: "Review" }]}
      pagination={
        nextCursor || searchParams.get("cursor")
          ? {
              hasNext: Boolean(nextCursor),
              hasPrevious: Boolean(searchParams.get("cursor")),
              onNext: () => {
                const next = new URLSearchParams(searchParams);
                next.set("cursor", nextCursor ?? "");
                navigate(`?${next}`);
              },
              onPrevious: () => navigate(-1),
            }
          : undefined
      }
    >
      {rows.map((r, index) => {
        // A visit alone says nothing about who the friend is.
        const friend = r.friend.name ?? r.friend.email ?? "Anonymous visitor";
        const value = r.order?.valueMinor != null ? formatAmount(r.order.valueMinor) : "—";
        if (smDown) {
          return (
            <IndexTable.Row id={r.id} key={r.id} position={index}>
              <div style={{ padding: "var(--p-space-300) var(--p-space-400)" }}>
                <BlockStack gap="150">
                  <InlineStack align="space-between" blockAlign="start" wrap={false} gap="200">
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold">
                        {r.referrer.name}
                      </Text>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {`referred ${friend}`}
                      </Text>
                    </BlockStack>
                    <Text as="span" numeric fontWeight="semibold">
                      {value}
                    </Text>
                  </InlineStack>
                  <InlineStack gap="200" blockAlign="center">
                    {statusBadge(r)}
                    <Text as="span" tone="subdued" variant="bodySm">
                      {date.format(new Date(r.createdAt))}
                    </Text>
                  </InlineStack>
                  {note(r) ? (
                    <Text as="span" tone="subdued" variant="bodySm">
                      {note(r)}
                    </Text>
                  ) : null}
                  {decisionButtons(r)}
                </BlockStack>
              </div>
            </IndexTable.Row>
          );
        }
        return (
          <IndexTable.Row id={r.id} key={r.id} position={index}>
            <IndexTable.Cell>
              <BlockStack gap="050">
                <Text as="span" fontWeight="semibold">
                  {r.referrer.name}
                </Text>
                {r.referrer.email ? (
                  <Text as="span" tone="subdued" variant="bodySm">
                    {r.referrer.email}
                  </Text>
                ) : null}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="050">
                <Text as="span">{friend}</Text>
                {r.friend.name && r.friend.email ? (
                  <Text as="span" tone="subdued" variant="bodySm">
                    {r.friend.email}
                  </Text>
                ) : null}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="050" inlineAlign="end">
                <Text as="span" numeric alignment="end">
                  {value}
                </Text>
                {r.order?.name ? (
                  <Text as="span" tone="subdued" variant="bodySm" alignment="end">
                    {`Order ${r.order.name}`}
                  </Text>
                ) : null}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>{date.format(new Date(r.createdAt))}</IndexTable.Cell>
            <IndexTable.Cell>{statusBadge(r)}</IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="100">
                {note(r) ? (
                  <Text as="span" tone={r.status === "held" ? undefined : "subdued"} variant="bodySm">
                    {note(r)}
                  </Text>
                ) : null}
                {decided(r) ? (
                  <Text as="span" tone="subdued" variant="bodySm">
                    {decided(r)}
                  </Text>
                ) : null}
                {decisionButtons(r)}
              </BlockStack>
            </IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );

  const filterOptions = FILTERS.map((value) => ({
    label: `${value ? REFERRAL_STATUS_LABELS[value] : "All"} (${number.format(value ? counts[value] : counts.all)})`,
    value,
  }));

  return (
    <Page
      title="Referrals"
      subtitle="Members share a link; friends get a welcome offer; members are rewarded when a friend's first order is paid"
      backAction={{ content: "Home", url: "/app" }}
      primaryAction={{ content: "Referral settings", url: "/app/referrals/settings" }}
    >
      <BlockStack gap="400">
        {!enabled ? (
          <Banner tone="info" title="Referrals are off" action={{ content: "Turn on referrals", url: "/app/referrals/settings" }}>
            <p>Members don't see a referral link in the rewards widget until you turn referrals on.</p>
          </Banner>
        ) : null}
        {counts.held > 0 ? (
          <Banner tone="warning" title={`${counts.held} ${counts.held === 1 ? "referral needs" : "referrals need"} your review`} action={status === "held" ? undefined : { content: "Show them", onAction: () => setStatus("held") }}>
            <p>They matched a fraud rule. Approve to pay the reward, or reject.</p>
          </Banner>
        ) : null}
        {welcomeCodes.reached ? (
          <Banner tone="warning" title="Today's welcome codes have all been given">
            <p>
              {`${number.format(welcomeCodes.today)} friends got a welcome code today, your daily limit. Friends who claim one now are asked to come back tomorrow. Raise the limit below if these are real customers.`}
            </p>
          </Banner>
        ) : null}
        <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
          <Metric label="Revenue from referred orders" value={formatAmount(stats.revenueMinor)} help="Completed referrals, before refunds" />
          <Metric label="Completed referrals" value={number.format(stats.completed)} help="Rewards paid" />
          <Metric label="Waiting" value={number.format(stats.pending)} help="Paid orders in the pending period" />
          <Metric label="Friends with a welcome code" value={number.format(stats.friendsRewarded)} help="Not ordered yet" />
        </InlineGrid>
        <Card padding="0">
          <Box padding="300">
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Text as="h2" variant="headingMd">
                All referrals
              </Text>
              <Select label="Status" labelInline options={filterOptions} value={FILTERS.includes(status as (typeof FILTERS)[number]) ? status : ""} onChange={setStatus} />
            </InlineStack>
          </Box>
          {rows.length === 0 ? (
            status ? (
              <EmptyState heading={`No ${REFERRAL_STATUS_LABELS[status as keyof typeof REFERRAL_STATUS_LABELS]?.toLowerCase() ?? ""} referrals`} image="" action={{ content: "Show all", onAction: () => setStatus("") }}>
                <p>Choose another status to see other referrals.</p>
              </EmptyState>
            ) : (
              <EmptyState heading="No referrals yet" image="" action={enabled ? undefined : { content: "Turn on referrals", url: "/app/referrals/settings" }}>
                <p>Members find their referral link in the rewards widget. A referral appears here as soon as a friend opens it.</p>
              </EmptyState>
            )
          ) : (
            table
          )}
        </Card>
        <Card>
          <capForm.Form method="post">
            <input type="hidden" name="intent" value="daily_cap" />
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <Text as="h2" variant="headingMd">
                  Welcome codes today
                </Text>
                <Text as="span" numeric variant="headingMd">
                  {`${number.format(welcomeCodes.today)} / ${number.format(welcomeCodes.cap)}`}
                </Text>
              </InlineStack>
              <Text as="p" tone="subdued">
                At most this many friends get a welcome code each day, across your store. It stops anyone collecting codes with made-up email addresses.
              </Text>
              <InlineStack gap="200" blockAlign="end" wrap={false}>
                <div style={{ maxWidth: "12rem" }}>
                  <TextField label="Daily limit" name="cap" type="number" min={1} max={100000} autoComplete="off" value={capText} onChange={setCapText} error={capError} />
                </div>
                <Button submit loading={capForm.state !== "idle"}>
                  Save
                </Button>
              </InlineStack>
            </BlockStack>
          </capForm.Form>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Top referrers
            </Text>
            {stats.topReferrers.length === 0 ? (
              <Text as="p" tone="subdued">
                Members who bring the most new customers appear here.
              </Text>
            ) : (
              <BlockStack gap="200" as="ul">
                {stats.topReferrers.map((t) => (
                  <li key={t.id} style={{ listStyle: "none" }}>
                    <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold">
                          {t.name}
                        </Text>
                        <Text as="span" tone="subdued" variant="bodySm">
                          {`${number.format(t.completed)} ${t.completed === 1 ? "friend" : "friends"}`}
                        </Text>
                      </BlockStack>
                      <Text as="span" numeric>
                        {formatAmount(t.revenueMinor)}
                      </Text>
                    </InlineStack>
                  </li>
                ))}
              </BlockStack>
            )}
            </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
