import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, EmptyState, FormLayout, InlineGrid, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { ChallengeError, getChallengeEditor, saveChallenge, setChallengePaused } from "../loyalty/challenges/admin.server";
import { KIND_LABELS, WINDOW_LABELS, describeGoal, type ChallengeErrors, type ChallengeFormValues } from "../loyalty/challenges/form";
import { currencySymbol } from "../loyalty/ledger/money";
import { requireAdmin } from "../shopify/admin.server";
import { showToast } from "../components/showToast";

// One challenge: create or edit (validated per field), pause or resume, and its results (0035).

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.editor?.challenge?.name ?? "Challenge"} · Kanta` }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { editor: await getChallengeEditor(shop, params.id ?? "") };
};

export type ChallengeActionResult = { ok: true; intent: string; id: string; created: boolean; message: string } | { ok: false; errors: ChallengeErrors };

const FIELDS = ["name", "description", "kind", "target", "collectionGid", "windowKind", "startDate", "endDate", "windowDays", "rewardPoints", "badgeId", "giftRewardId"] as const;

export const action = async ({ request, params }: ActionFunctionArgs): Promise<ChallengeActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const id = params.id ?? "";
  if (intent === "save") {
    const values: Partial<ChallengeFormValues> = {};
    for (const field of FIELDS) {
      const value = form.get(field);
      if (typeof value === "string") values[field] = value;
    }
    const result = await saveChallenge(shop, id === "new" ? null : id, values, undefined, actor);
    if (!result.ok) return result;
    return { ok: true, intent, id: result.id, created: result.created, message: result.created ? `Challenge “${result.name}” created` : "Saved" };
  }
  if (intent === "pause" || intent === "resume") {
    try {
      await setChallengePaused(shop, id, intent === "pause", undefined, actor);
      return { ok: true, intent, id, created: false, message: intent === "pause" ? "Challenge paused" : "Challenge resumed" };
    } catch (error) {
      if (error instanceof ChallengeError) return { ok: false, errors: { form: error.message } };
      throw error;
    }
  }
  return { ok: false, errors: { form: "Unknown action" } };
};

const STATUS_BADGE = {
  running: <Badge tone="success">Running</Badge>,
  scheduled: <Badge tone="info">Scheduled</Badge>,
  ended: <Badge>Ended</Badge>,
  paused: <Badge tone="attention">Paused</Badge>,
};

export default function ChallengePage() {
  const { editor } = useLoaderData<typeof loader>();
  const save = useFetcher<typeof action>();
  const navigate = useNavigate();
  const [values, setValues] = useState<ChallengeFormValues | null>(editor?.values ?? null);
  const loadedKey = JSON.stringify(editor?.values ?? null);
  useEffect(() => setValues(editor?.values ?? null), [loadedKey]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by content
  useEffect(() => {
    if (save.state !== "idle" || !save.data) return;
    if (save.data.ok) {
      showToast(save.data.message);
      if (save.data.created) navigate("/app/challenges");
    } else showToast(save.data.errors.form ?? "Not saved: check the highlighted fields", true);
  }, [save.state, save.data, navigate]);

  if (!editor || !values) {
    return (
      <Page title="Challenge not found" backAction={{ content: "Challenges", url: "/app/challenges" }}>
        <Card>
          <EmptyState heading="This challenge does not exist" image="" action={{ content: "Back to challenges", url: "/app/challenges" }}>
            <p>See every challenge on the Challenges page.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const { challenge, shop, badges, collections, gifts } = editor;
  const money = values.kind === "spend" || values.kind === "spend_in_collection";
  const errors: ChallengeErrors = save.data && !save.data.ok ? save.data.errors : {};
  const set = (field: keyof ChallengeFormValues) => (value: string) => setValues((v) => (v ? { ...v, [field]: value } : v));
  const submit = (intent: string) => {
    const body = new FormData();
    body.set("intent", intent);
    if (intent === "save") for (const [key, value] of Object.entries(values)) body.set(key, value);
    save.submit(body, { method: "post" });
  };
  const days = values.windowKind !== "fixed";
  const ends = values.windowKind !== "from_start";

  return (
    <Page
      title={challenge ? challenge.name : "Create challenge"}
      titleMetadata={challenge ? STATUS_BADGE[challenge.status] : undefined}
      backAction={{ content: "Challenges", url: "/app/challenges" }}
      primaryAction={{ content: "Save", onAction: () => submit("save"), loading: save.state !== "idle" }}
      secondaryActions={challenge ? [{ content: challenge.paused ? "Resume" : "Pause", onAction: () => submit(challenge.paused ? "resume" : "pause") }] : []}
    >
      <Layout>
        {errors.form ? (
          <Layout.Section>
            <Banner tone="critical" title="Not saved">
              <p>{errors.form}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <FormLayout>
                <TextField label="Name" autoComplete="off" value={values.name} onChange={set("name")} error={errors.name} placeholder="e.g. Three visits in 30 days" maxLength={80} />
                <TextField label="Description (shown to members)" autoComplete="off" value={values.description} onChange={set("description")} error={errors.description} multiline={2} maxLength={300} />
                <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
                  <Select label="Goal" options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))} value={values.kind} onChange={set("kind")} error={errors.kind} />
                  {values.kind === "profile_complete" ? null : (
                    <TextField
                      label={money ? "Amount to spend" : values.kind === "referrals" ? "Friends to refer" : "Orders to place"}
                      autoComplete="off"
                      inputMode="decimal"
                      prefix={money ? currencySymbol(shop.currencyCode) : undefined}
                      value={values.target}
                      onChange={set("target")}
                      error={errors.target}
                    />
                  )}
                </InlineGrid>
                {values.kind === "spend_in_collection" ? (
                  <Select
                    label="Collection"
                    options={[{ value: "", label: "Choose a collection" }, ...collections.map((c) => ({ value: c.gid, label: c.title }))]}
                    value={values.collectionGid}
                    onChange={set("collectionGid")}
                    error={errors.collectionGid}
                    helpText={collections.length === 0 ? "Kanta has not read your collections yet: they appear after the catalogue sync." : "What members spend on this collection's products counts, after discounts and refunds."}
                  />
                ) : null}
                <Select label="When it counts" options={Object.entries(WINDOW_LABELS).map(([value, label]) => ({ value, label }))} value={values.windowKind} onChange={set("windowKind")} error={errors.windowKind} />
                <InlineGrid columns={{ xs: 1, sm: days && ends ? 3 : 2 }} gap="300">
                  <TextField label="Start date" type="date" autoComplete="off" value={values.startDate} onChange={set("startDate")} error={errors.startDate} />
                  {ends ? <TextField label={values.windowKind === "from_join" ? "Last day to join (optional)" : "Last day"} type="date" autoComplete="off" value={values.endDate} onChange={set("endDate")} error={errors.endDate} /> : null}
                  {days ? <TextField label="Days" type="number" autoComplete="off" value={values.windowDays} onChange={set("windowDays")} error={errors.windowDays} min={1} max={366} /> : null}
                </InlineGrid>
                <Text as="p" tone="subdued" variant="bodySm">
                  {`Dates are whole days in your shop's time zone, ${shop.timezone}. Orders count by when they were placed, while paid and not cancelled; a refund lowers the progress until the challenge is completed.`}
                </Text>
              </FormLayout>
            </Card>
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">Reward</Text>
                <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
                  <TextField label="Points" type="number" autoComplete="off" value={values.rewardPoints} onChange={set("rewardPoints")} error={errors.rewardPoints} min={0} />
                  <Select
                    label="Badge"
                    options={[{ value: "", label: "No badge" }, ...badges.map((b) => ({ value: b.id, label: `${b.glyph} ${b.name}` }))]}
                    value={values.badgeId}
                    onChange={set("badgeId")}
                    error={errors.badgeId}
                    helpText={badges.length === 0 ? "Add badges on the Challenges page." : undefined}
                  />
                </InlineGrid>
                <Select
                  label="Product gift"
                  options={[{ value: "", label: "No gift" }, ...gifts.map((g) => ({ value: g.id, label: g.label }))]}
                  value={values.giftRewardId}
                  onChange={set("giftRewardId")}
                  error={errors.giftRewardId}
                  helpText={gifts.length === 0 ? "Add a free-product reward on the Rewards page to give it as a gift." : "A code for this product, free, once per member."}
                />
                <Text as="p" tone="subdued" variant="bodySm">Each member completes a challenge once: the points, the badge and the gift come once.</Text>
              </FormLayout>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Results</Text>
              {challenge?.results ? (
                <>
                  <Text as="p">{`${challenge.results.joined} joined`}</Text>
                  <Text as="p">{`${challenge.results.completed} completed`}</Text>
                </>
              ) : (
                <Text as="p" tone="subdued">Members join with their first step towards the goal.</Text>
              )}
              <Text as="p" tone="subdued" variant="bodySm">{`Goal: ${money ? `Spend ${currencySymbol(shop.currencyCode)}${values.target}${values.kind === "spend_in_collection" ? ` on ${collections.find((c) => c.gid === values.collectionGid)?.title ?? "a collection"}` : ""}` : describeGoal(values.kind, Number(values.target) || 0, shop.currencyCode, shop.locale)}`}</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
