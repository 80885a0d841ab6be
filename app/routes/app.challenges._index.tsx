import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, EmptyState, FormLayout, IndexTable, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { ChallengeError, getChallengesPage, saveBadge, setChallengePaused } from "../loyalty/challenges/admin.server";
import type { BadgeErrors } from "../loyalty/challenges/badges";
import { describeChallengeReward, describeGoal, describeWindow } from "../loyalty/challenges/form";
import { requireAdmin } from "../shopify/admin.server";
import { showToast } from "../components/showToast";

// The Challenges page (0035): every challenge with its results (joined, completed), pause
// and resume from the list, and the badges challenges award. Editing is on /app/challenges/<id>.

export const meta: MetaFunction = () => [{ title: "Challenges · Kanta" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { page: await getChallengesPage(shop) };
};

export type ChallengesListResult = { ok: true; message: string } | { ok: false; message: string; errors?: BadgeErrors };

export const action = async ({ request }: ActionFunctionArgs): Promise<ChallengesListResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const text = (field: string) => (typeof form.get(field) === "string" ? (form.get(field) as string) : undefined);
  if (intent === "pause" || intent === "resume") {
    try {
      await setChallengePaused(shop, text("id") ?? "", intent === "pause", undefined, actor);
      return { ok: true, message: intent === "pause" ? "Challenge paused" : "Challenge resumed" };
    } catch (error) {
      if (error instanceof ChallengeError) return { ok: false, message: error.message };
      throw error;
    }
  }
  if (intent === "badge") {
    const result = await saveBadge(shop, text("id") || null, { name: text("name"), icon: text("icon"), description: text("description") }, undefined, actor);
    if (!result.ok) return { ok: false, message: "Badge not saved: check the fields", errors: result.errors };
    return { ok: true, message: `Badge “${result.name}” saved` };
  }
  return { ok: false, message: "Unknown action" };
};

const STATUS_BADGE = {
  running: <Badge tone="success">Running</Badge>,
  scheduled: <Badge tone="info">Scheduled</Badge>,
  ended: <Badge>Ended</Badge>,
  paused: <Badge tone="attention">Paused</Badge>,
};

export default function ChallengesPage() {
  const { page } = useLoaderData<typeof loader>();
  const toggle = useFetcher<typeof action>();
  const badge = useFetcher<typeof action>();
  const [draft, setDraft] = useState({ name: "", icon: "star", description: "" });
  useEffect(() => {
    for (const f of [toggle, badge]) if (f.state === "idle" && f.data) showToast(f.data.message, !f.data.ok);
    if (badge.state === "idle" && badge.data?.ok) setDraft({ name: "", icon: "star", description: "" });
  }, [toggle.state, toggle.data, badge.state, badge.data, toggle, badge]);
  if (!page) return <Page title="Challenges" />;
  const badgeErrors = badge.data && !badge.data.ok ? (badge.data.errors ?? {}) : {};

  return (
    <Page title="Challenges" subtitle="Time-boxed goals that award points, badges and product gifts" primaryAction={{ content: "Create challenge", url: "/app/challenges/new" }}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            {page.challenges.length === 0 ? (
              <EmptyState heading="No challenges yet" image="" action={{ content: "Create challenge", url: "/app/challenges/new" }}>
                <p>For example: 3 orders in 30 days for 200 points and a badge.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "challenge", plural: "challenges" }}
                itemCount={page.challenges.length}
                selectable={false}
                headings={[{ title: "Challenge" }, { title: "Goal" }, { title: "When" }, { title: "Reward" }, { title: "Joined", alignment: "end" }, { title: "Completed", alignment: "end" }, { title: "" }]}
              >
                {page.challenges.map((c, index) => (
                  <IndexTable.Row id={c.id} key={c.id} position={index}>
                    <IndexTable.Cell>
                      <InlineStack gap="200" blockAlign="center" wrap={false}>
                        <Button variant="plain" url={`/app/challenges/${c.id}`}>{c.name}</Button>
                        {STATUS_BADGE[c.status]}
                      </InlineStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{describeGoal(c.kind, c.target, page.shop.currencyCode, page.shop.locale, c.collection)}</IndexTable.Cell>
                    <IndexTable.Cell>{describeWindow(c)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      {describeChallengeReward(c)}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>{c.joined}</Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>{c.completed}</Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Button
                        size="slim"
                        accessibilityLabel={`${c.status === "paused" ? "Resume" : "Pause"} ${c.name}`}
                        onClick={() => toggle.submit({ intent: c.status === "paused" ? "resume" : "pause", id: c.id }, { method: "post" })}
                      >
                        {c.status === "paused" ? "Resume" : "Pause"}
                      </Button>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Badges</Text>
              {page.badges.length === 0 ? <Text as="p" tone="subdued">No badges yet. A challenge can award one.</Text> : null}
              {page.badges.map((b) => (
                <InlineStack key={b.id} gap="200" blockAlign="center" wrap={false}>
                  <span aria-hidden="true" style={{ fontSize: 24 }}>{b.glyph}</span>
                  <BlockStack gap="0">
                    <Text as="span" fontWeight="semibold">{b.name}</Text>
                    <Text as="span" tone="subdued" variant="bodySm">{`${b.description ? `${b.description} · ` : ""}${b.awarded} awarded`}</Text>
                  </BlockStack>
                </InlineStack>
              ))}
              <FormLayout>
                <TextField label="New badge" name="name" autoComplete="off" value={draft.name} onChange={(name) => setDraft((d) => ({ ...d, name }))} error={badgeErrors.name} placeholder="e.g. Regular" maxLength={60} />
                <Select label="Icon" name="icon" options={page.icons.map((i) => ({ label: `${i.glyph} ${i.value}`, value: i.value }))} value={draft.icon} onChange={(icon) => setDraft((d) => ({ ...d, icon }))} error={badgeErrors.icon} />
                <TextField label="Description" name="description" autoComplete="off" value={draft.description} onChange={(description) => setDraft((d) => ({ ...d, description }))} error={badgeErrors.description} maxLength={200} />
                <Button loading={badge.state !== "idle"} onClick={() => badge.submit({ intent: "badge", ...draft }, { method: "post" })}>
                  Add badge
                </Button>
              </FormLayout>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
