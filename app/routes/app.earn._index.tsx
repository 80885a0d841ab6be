import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  Icon,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Modal,
  Page,
  ResourceItem,
  ResourceList,
  Text,
} from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { EarnRuleError, getEarnPage, setEarnRuleEnabled, type EarnPage } from "../loyalty/earn/rules-admin.server";
import { CampaignError, setCampaignEnabled } from "../loyalty/earn/campaigns-admin.server";
import { RULE_TYPES, RULE_TYPE_ORDER, limitLabel } from "../loyalty/earn/rules";
import { describeEarning, formatMultiplier } from "../loyalty/earn/preview";
import { ByWidth } from "../components/ByWidth";
import { requireAdmin } from "../shopify/admin.server";
import { EarnRuleIcon } from "../components/EarnRuleIcon";
import { showToast } from "../components/showToast";
import { MegaphoneIcon } from "../components/EarnIcons";

export const meta: MetaFunction = () => [{ title: "Ways to earn · Kanta" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { page: await getEarnPage(shop) };
};

export type EarnListActionResult = { ok: true; message: string } | { ok: false; message: string };

// Switching a rule or campaign on or off from the list; editing is on their own pages.
export const action = async ({ request }: ActionFunctionArgs): Promise<EarnListActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const id = String(form.get("id") ?? "");
  const enabled = form.get("enabled") === "true";
  try {
    if (intent === "toggle-rule") {
      await setEarnRuleEnabled(shop, id, enabled, undefined, actor);
      return { ok: true, message: enabled ? "Way to earn turned on" : "Way to earn turned off" };
    }
    if (intent === "toggle-campaign") {
      await setCampaignEnabled(shop, id, enabled, undefined, actor);
      return { ok: true, message: enabled ? "Campaign turned on" : "Campaign turned off" };
    }
    return { ok: false, message: "Unknown action" };
  } catch (error) {
    if (error instanceof EarnRuleError || error instanceof CampaignError) return { ok: false, message: error.message };
    throw error;
  }
};

const CAMPAIGN_BADGE = {
  active: { tone: "success", label: "Active" },
  scheduled: { tone: "info", label: "Scheduled" },
  ended: { tone: undefined, label: "Ended" },
  off: { tone: undefined, label: "Off" },
} as const;

/** Stops a row's click (which opens the item) for a button inside the row. */
function RowAction({ children }: { children: ReactNode }) {
  return (
    <div onClick={(event) => event.stopPropagation()} onKeyDown={(event) => event.stopPropagation()}>
      {children}
    </div>
  );
}

export default function WaysToEarn() {
  const { page } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const toggle = useFetcher<typeof action>();
  const [choosing, setChoosing] = useState(false);

  useEffect(() => {
    if (toggle.state === "idle" && toggle.data) showToast(toggle.data.message, !toggle.data.ok);
  }, [toggle.state, toggle.data]);

  if (!page) {
    return (
      <Page title="Ways to earn">
        <Card>
          <EmptyState heading="Kanta is installing" image="">
            <p>Your program is being set up. Reload this page in a moment.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const pendingToggle = toggle.state !== "idle" ? toggle.formData?.get("id") : null;

  return (
    <Page
      title="Ways to earn"
      subtitle="How members collect points"
      primaryAction={{ content: "Add a way to earn", onAction: () => setChoosing(true) }}
      secondaryActions={[{ content: "Add campaign", url: "/app/earn/campaigns/new" }]}
    >
      <Layout>
        <Layout.Section>
          <RulesCard page={page} pendingId={pendingToggle} onAdd={() => setChoosing(true)} onToggle={(id, enabled) => toggle.submit({ intent: "toggle-rule", id, enabled: String(enabled) }, { method: "post" })} navigate={navigate} />
        </Layout.Section>
        <Layout.Section>
          <CampaignsCard page={page} pendingId={pendingToggle} onToggle={(id, enabled) => toggle.submit({ intent: "toggle-campaign", id, enabled: String(enabled) }, { method: "post" })} navigate={navigate} />
        </Layout.Section>
      </Layout>

      <Modal open={choosing} onClose={() => setChoosing(false)} title="Add a way to earn" secondaryActions={[{ content: "Cancel", onAction: () => setChoosing(false) }]}>
        <ResourceList
          resourceName={{ singular: "type", plural: "types" }}
          items={RULE_TYPE_ORDER.filter((type) => page.addable[type]).map((type) => ({ type }))}
          renderItem={({ type }) => {
            const info = RULE_TYPES[type];
            return (
              <ResourceItem id={type} url={`/app/earn/new?type=${type}`} accessibilityLabel={`Add ${info.label}`} media={<EarnRuleIcon type={type} />}>
                <BlockStack gap="050">
                  <Text as="h3" variant="bodyMd" fontWeight="semibold">
                    {info.label}
                  </Text>
                  <Text as="p" tone="subdued" variant="bodySm">
                    {info.summary}
                  </Text>
                </BlockStack>
              </ResourceItem>
            );
          }}
        />
        {RULE_TYPE_ORDER.some((type) => !page.addable[type]) ? (
          <Modal.Section>
            <Text as="p" tone="subdued" variant="bodySm">
              {`Already set up, edit them in the list: ${RULE_TYPE_ORDER.filter((type) => !page.addable[type])
                .map((type) => RULE_TYPES[type].label)
                .join(", ")}.`}
            </Text>
          </Modal.Section>
        ) : null}
      </Modal>
    </Page>
  );
}

interface CardProps {
  page: EarnPage;
  pendingId: FormDataEntryValue | null | undefined;
  onToggle: (id: string, enabled: boolean) => void;
  navigate: (to: string) => void;
}

function RulesCard({ page, pendingId, onToggle, onAdd, navigate }: CardProps & { onAdd: () => void }) {
  const { currencyCode, locale } = page.shop;
  const table = (smDown: boolean) => (
    <IndexTable
      resourceName={{ singular: "way to earn", plural: "ways to earn" }}
      itemCount={page.rules.length}
      selectable={false}
      condensed={smDown}
      headings={[{ title: "Way to earn" }, { title: "Points" }, { title: "How often" }, { title: "Status" }, { title: "Action", hidden: true }]}
    >
      {page.rules.map((rule, index) => {
        const manual = rule.type === "review";
        const name = (
          <InlineStack gap="300" blockAlign="center" wrap={false}>
            <EarnRuleIcon type={rule.type} network={rule.config.network} />
            <BlockStack gap="050">
              <Link url={`/app/earn/${rule.id}`} removeUnderline monochrome dataPrimaryLink>
                <Text as="span" fontWeight="semibold">
                  {rule.name}
                </Text>
              </Link>
              {RULE_TYPES[rule.type].label !== rule.name ? (
                <Text as="span" tone="subdued" variant="bodySm">
                  {RULE_TYPES[rule.type].label}
                </Text>
              ) : null}
            </BlockStack>
          </InlineStack>
        );
        const status = (
          <InlineStack gap="100">
            {rule.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
            {manual && rule.enabled ? <Badge tone="attention">Not automatic yet</Badge> : null}
          </InlineStack>
        );
        const action = (
          <RowAction>
            <Button size="slim" loading={pendingId === rule.id} onClick={() => onToggle(rule.id, !rule.enabled)} accessibilityLabel={`${rule.enabled ? "Turn off" : "Turn on"} ${rule.name}`}>
              {rule.enabled ? "Turn off" : "Turn on"}
            </Button>
          </RowAction>
        );
        const points = describeEarning(rule, currencyCode, locale);
        if (smDown) {
          // Phones: two lines per rule instead of a sideways-scrolling table.
          return (
            <IndexTable.Row id={rule.id} key={rule.id} position={index} onClick={() => navigate(`/app/earn/${rule.id}`)}>
              <div style={{ padding: "var(--p-space-300) var(--p-space-400)" }}>
                <BlockStack gap="200">
                  <InlineStack align="space-between" blockAlign="center" wrap={false} gap="200">
                    {name}
                    {action}
                  </InlineStack>
                  <div style={{ paddingInlineStart: 44 }}>
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="span">{`${points} · ${limitLabel(rule.type, rule.limit, rule.config.every)}`}</Text>
                      {status}
                    </InlineStack>
                  </div>
                </BlockStack>
              </div>
            </IndexTable.Row>
          );
        }
        return (
          <IndexTable.Row id={rule.id} key={rule.id} position={index} onClick={() => navigate(`/app/earn/${rule.id}`)}>
            <IndexTable.Cell>{name}</IndexTable.Cell>
            <IndexTable.Cell>{points}</IndexTable.Cell>
            <IndexTable.Cell>{limitLabel(rule.type, rule.limit, rule.config.every)}</IndexTable.Cell>
            <IndexTable.Cell>{status}</IndexTable.Cell>
            <IndexTable.Cell>
              <InlineStack align="end">{action}</InlineStack>
            </IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Ways to earn
          </Text>
          <Text as="p" tone="subdued">
            Members see the ones that are on in the rewards widget.
          </Text>
        </BlockStack>
      </Box>
      {page.rules.length === 0 ? (
        <EmptyState heading="No ways to earn yet" image="" action={{ content: "Add a way to earn", onAction: onAdd }}>
          <p>Start with points for every order, then add a sign-up bonus or a social follow.</p>
        </EmptyState>
      ) : (
        <ByWidth narrow={table(true)} wide={table(false)} />
      )}
    </Card>
  );
}

function CampaignsCard({ page, pendingId, onToggle, navigate }: CardProps) {
  const table = (smDown: boolean) => (
    <IndexTable
      resourceName={{ singular: "campaign", plural: "campaigns" }}
      itemCount={page.campaigns.length}
      selectable={false}
      condensed={smDown}
      headings={[{ title: "Campaign" }, { title: "Multiplier" }, { title: "When" }, { title: "Who" }, { title: "Status" }, { title: "Action", hidden: true }]}
    >
      {page.campaigns.map((c, index) => {
        const badge = CAMPAIGN_BADGE[c.status];
        const when = c.when;
        const who = c.audience || "Every member";
        const name = (
          <InlineStack gap="300" blockAlign="center" wrap={false}>
            <Box background="bg-surface-secondary" padding="150" borderRadius="200">
              <Icon source={MegaphoneIcon} tone="subdued" />
            </Box>
            <Link url={`/app/earn/campaigns/${c.id}`} removeUnderline monochrome dataPrimaryLink>
              <Text as="span" fontWeight="semibold">
                {c.name}
              </Text>
            </Link>
          </InlineStack>
        );
        const status = <Badge tone={badge.tone}>{badge.label}</Badge>;
        const action =
          c.status === "ended" ? null : (
            <RowAction>
              <Button size="slim" loading={pendingId === c.id} onClick={() => onToggle(c.id, !c.enabled)} accessibilityLabel={`${c.enabled ? "Turn off" : "Turn on"} ${c.name}`}>
                {c.enabled ? "Turn off" : "Turn on"}
              </Button>
            </RowAction>
          );
        if (smDown) {
          return (
            <IndexTable.Row id={c.id} key={c.id} position={index} onClick={() => navigate(`/app/earn/campaigns/${c.id}`)}>
              <div style={{ padding: "var(--p-space-300) var(--p-space-400)" }}>
                <BlockStack gap="200">
                  <InlineStack align="space-between" blockAlign="center" wrap={false} gap="200">
                    {name}
                    {action}
                  </InlineStack>
                  <div style={{ paddingInlineStart: 44 }}>
                    <BlockStack gap="100">
                      <InlineStack gap="200" blockAlign="center">
                        <Text as="span">{`${formatMultiplier(c.multiplierPermille)} · ${who}`}</Text>
                        {status}
                      </InlineStack>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {when}
                      </Text>
                    </BlockStack>
                  </div>
                </BlockStack>
              </div>
            </IndexTable.Row>
          );
        }
        return (
          <IndexTable.Row id={c.id} key={c.id} position={index} onClick={() => navigate(`/app/earn/campaigns/${c.id}`)}>
            <IndexTable.Cell>{name}</IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" fontWeight="semibold">
                {formatMultiplier(c.multiplierPermille)}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>{when}</IndexTable.Cell>
            <IndexTable.Cell>{who}</IndexTable.Cell>
            <IndexTable.Cell>{status}</IndexTable.Cell>
            <IndexTable.Cell>
              <InlineStack align="end">{action}</InlineStack>
            </IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="100">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Text as="h2" variant="headingMd">
              Campaigns
            </Text>
            {page.campaigns.length > 0 ? <Button url="/app/earn/campaigns/new">Add campaign</Button> : null}
          </InlineStack>
          <Text as="p" tone="subdued">
            {`Multiply the points orders earn for a while, e.g. double points for a weekend. Times are in your shop's time zone (${page.shop.timezone}). Campaigns may overlap: an order gets the highest one running, times the member's tier multiplier.`}
          </Text>
        </BlockStack>
      </Box>
      {page.campaigns.length === 0 ? (
        <EmptyState heading="No campaigns yet" image="" action={{ content: "Add campaign", url: "/app/earn/campaigns/new" }}>
          <p>Plan double points for Black Friday or a members-only week for your top tiers.</p>
        </EmptyState>
      ) : (
        <ByWidth narrow={table(true)} wide={table(false)} />
      )}
    </Card>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
