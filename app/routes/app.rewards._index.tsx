import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useNavigation } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  ChoiceList,
  EmptyState,
  IndexTable,
  InlineStack,
  Link,
  Modal,
  Page,
  Text,
  useBreakpoints,
} from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { RewardAdminError, deleteReward, listRewardsAdmin, setRewardEnabled, type RewardAdminRow } from "../loyalty/rewards/admin.server";
import { REWARD_TYPES, REWARD_TYPE_INFO, type RewardType } from "../loyalty/rewards/rewards";
import { requireAdmin } from "../shopify/admin.server";

// Rewards ("Ways to redeem"): the catalogue of what members can spend points on.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return listRewardsAdmin(shop);
};

export type RewardsListActionResult = { ok: true; message: string } | { ok: false; message: string };

export const action = async ({ request }: ActionFunctionArgs): Promise<RewardsListActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const rewardId = String(form.get("rewardId") ?? "");
  try {
    if (intent === "enable" || intent === "disable") {
      await setRewardEnabled(shop, rewardId, intent === "enable", undefined, actor);
      return { ok: true, message: intent === "enable" ? "Reward enabled" : "Reward disabled" };
    }
    if (intent === "delete") {
      const outcome = await deleteReward(shop, rewardId, undefined, actor);
      return { ok: true, message: outcome === "deleted" ? "Reward deleted" : "Reward disabled: it has redemptions, so it is kept for their history" };
    }
    return { ok: false, message: "Unknown action" };
  } catch (error) {
    if (error instanceof RewardAdminError) return { ok: false, message: error.message };
    throw error;
  }
};

const ICON_PATHS: Record<RewardType, string> = {
  amount_off: "M3 10.2V4a1 1 0 0 1 1-1h6.2a1 1 0 0 1 .7.3l6 6a1 1 0 0 1 0 1.4l-6.2 6.2a1 1 0 0 1-1.4 0l-6-6a1 1 0 0 1-.3-.7zM7 6.5a.5.5 0 1 0 0 1 .5.5 0 0 0 0-1z",
  percent_off: "M15.5 4.5l-11 11M6 4a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM14 12a2 2 0 1 1 0 4 2 2 0 0 1 0-4z",
  free_shipping: "M2 5h10v9H2zM12 8h3.5L18 11v3h-6M5.5 16.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM14.5 16.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z",
  free_product: "M3.5 9h13v8h-13zM2.5 6h15v3h-15zM10 6v11M10 6H7.3a1.6 1.6 0 1 1 0-3.2C9.3 2.8 10 6 10 6zm0 0h2.7a1.6 1.6 0 1 0 0-3.2C10.7 2.8 10 6 10 6z",
  points_to_money: "M10 3a7 7 0 1 1 0 14 7 7 0 0 1 0-14zM12.5 7.5c-.6-.7-1.5-1-2.5-1-1.4 0-2.5.8-2.5 1.8S8.6 10 10 10s2.5.7 2.5 1.7-1.1 1.8-2.5 1.8c-1 0-1.9-.3-2.5-1M10 5v1.5M10 13.5V15",
  // A wallet: credit on the member's account.
  store_credit: "M3 6.5A1.5 1.5 0 0 1 4.5 5h10A1.5 1.5 0 0 1 16 6.5V8M3 6.5v8A1.5 1.5 0 0 0 4.5 16h11a1.5 1.5 0 0 0 1.5-1.5v-5A1.5 1.5 0 0 0 15.5 8H4.5A1.5 1.5 0 0 1 3 6.5zM13.5 12h.01",
};

function RewardIcon({ type }: { type: RewardType }) {
  return (
    <Box background="bg-surface-secondary" borderRadius="200" padding="150" minWidth="32px">
      <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false" style={{ display: "block" }}>
        <path d={ICON_PATHS[type]} fill="none" stroke="var(--p-color-icon)" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </Box>
  );
}

function StatusBadge({ enabled }: { enabled: boolean }) {
  return enabled ? <Badge tone="success">Active</Badge> : <Badge>Disabled</Badge>;
}

function pointsText(reward: RewardAdminRow, format: Intl.NumberFormat): string {
  return reward.type === "points_to_money" ? `from ${format.format(reward.pointsCost)} points` : `${format.format(reward.pointsCost)} points`;
}

export default function Rewards() {
  const { rewards } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const { smDown } = useBreakpoints();
  const fetcher = useFetcher<typeof action>();
  const [choosing, setChoosing] = useState(false);
  const [type, setType] = useState<RewardType>("amount_off");
  const [deleting, setDeleting] = useState<RewardAdminRow | null>(null);
  const number = new Intl.NumberFormat("en");

  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) {
      shopify.toast.show(fetcher.data.message, { isError: !fetcher.data.ok });
      setDeleting(null);
    }
  }, [fetcher.state, fetcher.data, shopify]);

  const submit = (intent: "enable" | "disable" | "delete", rewardId: string) => fetcher.submit({ intent, rewardId }, { method: "post" });
  const busyId = fetcher.state !== "idle" ? String(fetcher.formData?.get("rewardId") ?? "") : null;
  const addReward = () => setChoosing(true);

  const rowActions = (r: RewardAdminRow): ReactNode => (
    // The row itself opens the editor; its buttons must not.
    <div onClick={(event) => event.stopPropagation()} onKeyDown={(event) => event.stopPropagation()} role="presentation">
      <ButtonGroup noWrap>
        <Button size="slim" loading={busyId === r.id && fetcher.formData?.get("intent") !== "delete"} onClick={() => submit(r.enabled ? "disable" : "enable", r.id)} accessibilityLabel={`${r.enabled ? "Disable" : "Enable"} ${r.name}`}>
          {r.enabled ? "Disable" : "Enable"}
        </Button>
        <Button size="slim" tone="critical" variant="tertiary" onClick={() => setDeleting(r)} accessibilityLabel={`Delete ${r.name}`}>
          Delete
        </Button>
      </ButtonGroup>
    </div>
  );

  const name = (r: RewardAdminRow) => (
    <Link url={`/app/rewards/${r.id}`} removeUnderline monochrome dataPrimaryLink>
      <Text as="span" fontWeight="semibold">
        {r.name}
      </Text>
    </Link>
  );

  const table = (
    <IndexTable
      resourceName={{ singular: "reward", plural: "rewards" }}
      itemCount={rewards.length}
      selectable={false}
      condensed={smDown}
      loading={navigation.state === "loading"}
      headings={[
        { title: "Reward" },
        { title: "Cost", alignment: "end" },
        { title: "Value" },
        { title: "Minimum tier" },
        { title: "Status" },
        { title: "Redeemed", alignment: "end" },
        { title: "Actions", hidden: true },
      ]}
    >
      {rewards.map((r, index) => {
        if (smDown) {
          return (
            <IndexTable.Row id={r.id} key={r.id} position={index} onClick={() => navigate(`/app/rewards/${r.id}`)}>
              <div style={{ padding: "var(--p-space-300) var(--p-space-400)" }}>
                <InlineStack gap="300" wrap={false} blockAlign="start">
                  <RewardIcon type={r.type} />
                  <BlockStack gap="100">
                    <InlineStack gap="200" blockAlign="center">
                      {name(r)}
                      <StatusBadge enabled={r.enabled} />
                    </InlineStack>
                    <Text as="span" variant="bodySm">{`${pointsText(r, number)} · ${r.value}`}</Text>
                    <Text as="span" tone="subdued" variant="bodySm">
                      {[r.minTierName ? `${r.minTierName} and above` : "Every member", r.timesRedeemed === 0 ? "not redeemed yet" : `redeemed ${number.format(r.timesRedeemed)} ${r.timesRedeemed === 1 ? "time" : "times"}`].join(" · ")}
                    </Text>
                    {rowActions(r)}
                  </BlockStack>
                </InlineStack>
              </div>
            </IndexTable.Row>
          );
        }
        return (
          <IndexTable.Row id={r.id} key={r.id} position={index} onClick={() => navigate(`/app/rewards/${r.id}`)}>
            <IndexTable.Cell>
              <InlineStack gap="300" wrap={false} blockAlign="center">
                <RewardIcon type={r.type} />
                <BlockStack gap="050">
                  {name(r)}
                  <Text as="span" tone="subdued" variant="bodySm">
                    {REWARD_TYPE_INFO[r.type].label}
                  </Text>
                </BlockStack>
              </InlineStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {pointsText(r, number)}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="050">
                <Text as="span">{r.value}</Text>
                {r.minOrder ? (
                  <Text as="span" tone="subdued" variant="bodySm">{`Orders over ${r.minOrder}`}</Text>
                ) : null}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>{r.minTierName ? <Badge tone="info">{r.minTierName}</Badge> : <Text as="span" tone="subdued">Everyone</Text>}</IndexTable.Cell>
            <IndexTable.Cell>
              <StatusBadge enabled={r.enabled} />
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {number.format(r.timesRedeemed)}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>{rowActions(r)}</IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );

  return (
    <Page
      title="Rewards"
      subtitle="What members can spend their points on"
      primaryAction={{ content: "Add reward", onAction: addReward }}
      backAction={{ content: "Home", url: "/app" }}
    >
      <Card padding="0">
        {rewards.length === 0 ? (
          <EmptyState heading="Add your first reward" image="" action={{ content: "Add reward", onAction: addReward }}>
            <p>Members redeem points for rewards in the widget: an amount or a percentage off, free shipping, a free product, or money off for the points they choose.</p>
          </EmptyState>
        ) : (
          table
        )}
      </Card>

      <Modal
        open={choosing}
        onClose={() => setChoosing(false)}
        title="Add a reward"
        primaryAction={{ content: "Continue", onAction: () => navigate(`/app/rewards/new?type=${type}`) }}
        secondaryActions={[{ content: "Cancel", onAction: () => setChoosing(false) }]}
      >
        <Modal.Section>
          <ChoiceList
            title="What do members get?"
            choices={REWARD_TYPES.map((t) => ({ label: REWARD_TYPE_INFO[t].label, value: t, helpText: REWARD_TYPE_INFO[t].help }))}
            selected={[type]}
            onChange={([value]) => value && setType(value as RewardType)}
          />
        </Modal.Section>
      </Modal>

      <Modal
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={deleting && deleting.redemptionRows > 0 ? `Disable ${deleting.name}?` : `Delete ${deleting?.name ?? "reward"}?`}
        primaryAction={{
          content: deleting && deleting.redemptionRows > 0 ? "Disable reward" : "Delete reward",
          destructive: true,
          loading: fetcher.state !== "idle",
          onAction: () => deleting && submit("delete", deleting.id),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setDeleting(null) }]}
      >
        <Modal.Section>
          <Text as="p">
            {deleting && deleting.redemptionRows > 0
              ? `Members have redeemed this reward ${number.format(deleting.redemptionRows)} ${deleting.redemptionRows === 1 ? "time" : "times"}. It can't be deleted, so their codes and history keep it: it will be disabled and disappear from the widget.`
              : "Members will no longer see it in the widget. This can't be undone."}
          </Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
