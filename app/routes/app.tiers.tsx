import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  Checkbox,
  Divider,
  EmptyState,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  Modal,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { requestTierPass } from "../jobs/tier-review.server";
import { getTierEditor, parseTierSettingsJson, previewTierSettings, saveTierSettings, type TierEditorRow, type TierPreview } from "../loyalty/tiers/admin.server";
import { requireAdmin } from "../shopify/admin.server";
import { showToast } from "../components/showToast";
import { currencySymbol } from "../loyalty/ledger/money";
import { SectionCard } from "../components/SectionCard";
import { FreeShippingDiscountStatus } from "../components/tiers/FreeShippingDiscountStatus";
import { PaidTiersCard } from "../components/tiers/PaidTiersCard";
import { listPaidTiers } from "../loyalty/tiers/paid-admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { editor: await getTierEditor(shop), paidTiers: await listPaidTiers(shop) };
};

export type TiersActionResult =
  | { intent: "preview" | "save"; ok: true; preview: TierPreview; message: string }
  | { intent: string; ok: false; errors: Record<string, string> };

// Expected errors come back as data (STYLE.md rule 5): every message on its own field.
export const action = async ({ request }: ActionFunctionArgs): Promise<TiersActionResult> => {
  const { shop, staff, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const input = parseTierSettingsJson(form.get("settings"));
  if (!input) return { intent, ok: false, errors: { form: "The form could not be read: reload the page and try again" } };
  if (intent === "preview") return { intent, ...(await previewTierSettings(shop, input)) };
  if (intent === "save") {
    const result = await saveTierSettings(shop, input, staff, undefined, actor);
    // Who moves up under the new settings is applied by the tier pass, in the background.
    if (result.ok) requestTierPass(shop);
    return { intent, ...result };
  }
  return { intent, ok: false, errors: { form: "Unknown action" } };
};

// A preview changes nothing: reloading the editor after it would only reset the form.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "preview" ? false : defaultShouldRevalidate;

type Row = Omit<TierEditorRow, "members"> & { key: string; members: number | null };

interface FormState {
  basis: string;
  period: string;
  keepNextPeriod: boolean;
  tiers: Row[];
}

const BASIS_OPTIONS = [
  { label: "Spend (after discounts and refunds)", value: "spend" },
  { label: "Points earned", value: "points" },
  { label: "Number of orders", value: "orders" },
];

const PERIOD_OPTIONS = [
  { label: "Calendar year (in the shop's time zone)", value: "calendar_year" },
  { label: "Last 12 months (rolling)", value: "rolling_12_months" },
  { label: "All time (lifetime)", value: "lifetime" },
];

let keySeq = 0;
const newKey = () => `new-${++keySeq}`;

function initialState(editor: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["editor"]>): FormState {
  return {
    basis: editor.basis,
    period: editor.period,
    keepNextPeriod: editor.keepNextPeriod,
    tiers: editor.tiers.map((t) => ({ ...t, key: t.id ?? newKey() })),
  };
}

function toInput(state: FormState) {
  return {
    basis: state.basis,
    period: state.period,
    keepNextPeriod: state.keepNextPeriod,
    tiers: state.tiers.map(({ key: _key, members: _members, ...t }) => t),
  };
}


export default function TiersPage() {
  const { editor, paidTiers } = useLoaderData<typeof loader>();
  const preview = useFetcher<typeof action>();
  const save = useFetcher<typeof action>();
  // Keyed by content, not identity: only data that really changed (a save) resets the form.
  const editorKey = JSON.stringify(editor);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by content: `editor` is a new object on every revalidation, which must not reset the form
  const initial = useMemo(() => (editor ? initialState(editor) : null), [editorKey]);
  const [state, setState] = useState<FormState | null>(initial);
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  // After a save the loader runs again: start over from what was saved.
  useEffect(() => {
    setState(initial);
    setErrors({});
  }, [initial]);

  const dirty = useMemo(() => !!state && !!initial && JSON.stringify(toInput(state)) !== JSON.stringify(toInput(initial)), [state, initial]);

  useEffect(() => {
    if (preview.state !== "idle" || !preview.data) return;
    if (preview.data.ok) {
      setErrors({});
      setConfirming(true);
    } else {
      setErrors(preview.data.errors);
      showToast("Fix the highlighted fields", true);
    }
  }, [preview.state, preview.data]);

  useEffect(() => {
    if (save.state !== "idle" || !save.data) return;
    setConfirming(false);
    if (save.data.ok) showToast(save.data.message);
    else {
      setErrors(save.data.errors);
      showToast("Nothing was saved: fix the highlighted fields", true);
    }
  }, [save.state, save.data]);

  const update = useCallback((change: (s: FormState) => FormState) => setState((s) => (s ? change(s) : s)), []);
  const setRow = (index: number, patch: Partial<Row>) =>
    update((s) => ({ ...s, tiers: s.tiers.map((t, i) => (i === index ? { ...t, ...patch } : t)) }));
  const move = (index: number, by: number) =>
    update((s) => {
      const tiers = [...s.tiers];
      const [row] = tiers.splice(index, 1);
      tiers.splice(index + by, 0, row!);
      return { ...s, tiers };
    });

  if (!editor || !state) {
    return (
      <Page title="VIP tiers">
        <Card>
          <EmptyState heading="No program yet" image="">
            <p>Open the app from your Shopify admin to set up the program.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const settingsJson = () => JSON.stringify(toInput(state));
  const giftOptions = [{ label: "No gift", value: "" }, ...editor.gifts.map((g) => ({ label: g.label, value: g.id }))];
  const unit = state.basis === "spend" ? "spend" : state.basis === "points" ? "points" : "orders";
  const symbol = currencySymbol(editor.currencyCode);
  const busy = preview.state !== "idle" || save.state !== "idle";
  const previewData = preview.data?.ok ? preview.data.preview : null;

  return (
    <Page
      title="VIP tiers"
      subtitle="Members move up as soon as they qualify, and down only at the review."
      backAction={{ content: "Home", url: "/app" }}
      primaryAction={{ content: "Save", disabled: !dirty, loading: busy, onAction: () => preview.submit({ intent: "preview", settings: settingsJson() }, { method: "post" }) }}
      secondaryActions={[{ content: "Members-only products", url: "/app/members-only" }]}
    >
      <SaveBar id="kanta-tiers-save-bar" open={dirty}>
        <button variant="primary" onClick={() => preview.submit({ intent: "preview", settings: settingsJson() }, { method: "post" })} disabled={busy}>
          Save
        </button>
        <button
          onClick={() => {
            setState(initial);
            setErrors({});
          }}
        >
          Discard
        </button>
      </SaveBar>
      <Layout>
        {errors.form || errors.tiers ? (
          <Layout.Section>
            <Banner tone="critical" title="The tiers could not be saved">
              <p>{errors.form ?? errors.tiers}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {editor.sync.failed > 0 ? (
          <Layout.Section>
            <Banner tone="warning" title="Some tier changes did not reach Shopify">
              <p>{`${editor.sync.failed} customer tag updates failed after several attempts. Check that the app is still installed with customer access.`}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <SectionCard title="How members qualify" gap="400">
            <FormLayout>
              <FormLayout.Group>
                <Select label="Members qualify by" options={BASIS_OPTIONS} value={state.basis} onChange={(basis) => update((s) => ({ ...s, basis }))} error={errors.basis} />
                <Select label="Counted over" options={PERIOD_OPTIONS} value={state.period} onChange={(period) => update((s) => ({ ...s, period }))} error={errors.period} />
              </FormLayout.Group>
              <Checkbox
                label="Keep a tier through the next period"
                helpText={
                  state.period === "rolling_12_months"
                    ? "A member keeps a tier for at least 12 months after reaching it."
                    : state.period === "lifetime"
                      ? "Lifetime tiers are never reviewed down."
                      : "A tier earned this year is kept until the review at the end of next year. Off: tiers are reviewed against each year's own numbers."
                }
                checked={state.keepNextPeriod}
                onChange={(keepNextPeriod) => update((s) => ({ ...s, keepNextPeriod }))}
              />
            </FormLayout>
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Tiers
                </Text>
                <Button
                  onClick={() =>
                    update((s) => ({
                      ...s,
                      tiers: [...s.tiers, { key: newKey(), id: null, name: "", threshold: "", multiplier: "1", entryPoints: "", birthdayPoints: "", freeShipping: false, members: null }],
                    }))
                  }
                  disabled={state.tiers.length >= 10}
                >
                  Add tier
                </Button>
              </InlineStack>
              <Text as="p" tone="subdued">
                {`Thresholds are in ${unit === "spend" ? `${editor.currencyCode} of eligible spend` : unit}. The first tier is where every member starts, at 0; each next tier asks for more. At most 10 tiers.`}
              </Text>
              {state.tiers.map((tier, index) => {
                const at = (field: string) => errors[`tiers.${index}.${field}`];
                return (
                  <BlockStack gap="300" key={tier.key}>
                    {index > 0 ? <Divider /> : null}
                    <InlineStack align="space-between" blockAlign="center" gap="200">
                      <InlineStack gap="200" blockAlign="center">
                        <Text as="h3" variant="headingSm">
                          {tier.name.trim() || `Tier ${index + 1}`}
                        </Text>
                        {index === 0 ? <Badge>Entry tier</Badge> : null}
                        <Badge tone={tier.members ? "info" : undefined}>{tier.members === null ? "New" : `${tier.members.toLocaleString("en")} ${tier.members === 1 ? "member" : "members"}`}</Badge>
                      </InlineStack>
                      <ButtonGroup>
                        <Button size="slim" onClick={() => move(index, -1)} disabled={index === 0} accessibilityLabel={`Move ${tier.name || `tier ${index + 1}`} up`}>
                          Up
                        </Button>
                        <Button size="slim" onClick={() => move(index, 1)} disabled={index === state.tiers.length - 1} accessibilityLabel={`Move ${tier.name || `tier ${index + 1}`} down`}>
                          Down
                        </Button>
                        <Button
                          size="slim"
                          tone="critical"
                          variant="plain"
                          disabled={state.tiers.length <= 1}
                          onClick={() => update((s) => ({ ...s, tiers: s.tiers.filter((_, i) => i !== index) }))}
                          accessibilityLabel={`Remove ${tier.name || `tier ${index + 1}`}`}
                        >
                          Remove
                        </Button>
                      </ButtonGroup>
                    </InlineStack>
                    <FormLayout>
                      <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
                        <TextField label="Name" autoComplete="off" value={tier.name} onChange={(name) => setRow(index, { name })} error={at("name")} maxLength={40} />
                        <TextField
                          label="Threshold"
                          autoComplete="off"
                          inputMode="decimal"
                          value={tier.threshold}
                          onChange={(threshold) => setRow(index, { threshold })}
                          error={at("threshold")}
                          prefix={unit === "spend" ? symbol : undefined}
                          suffix={unit === "spend" ? undefined : unit}
                          helpText={index === 0 ? "Every member starts here" : undefined}
                        />
                        <TextField
                          label="Points multiplier"
                          autoComplete="off"
                          inputMode="decimal"
                          value={tier.multiplier}
                          onChange={(multiplier) => setRow(index, { multiplier })}
                          error={at("multiplier")}
                          suffix="×"
                          helpText="1.0 to 10.0"
                        />
                      </InlineGrid>
                      <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
                        <TextField
                          label="Points on reaching the tier"
                          autoComplete="off"
                          inputMode="numeric"
                          value={tier.entryPoints}
                          onChange={(entryPoints) => setRow(index, { entryPoints })}
                          error={at("entryPoints")}
                          placeholder="0"
                          helpText="Once per member and year"
                        />
                        <TextField
                          label="Birthday points"
                          autoComplete="off"
                          inputMode="numeric"
                          value={tier.birthdayPoints}
                          onChange={(birthdayPoints) => setRow(index, { birthdayPoints })}
                          error={at("birthdayPoints")}
                          placeholder="As the birthday rule"
                        />
                        <Box paddingBlockStart="600">
                          <BlockStack gap="200">
                            <Checkbox label="Free shipping on every order" checked={tier.freeShipping} onChange={(freeShipping) => setRow(index, { freeShipping })} />
                            <FreeShippingDiscountStatus perkOn={tier.freeShipping} state={tier.freeShippingDiscount} />
                          </BlockStack>
                        </Box>
                      </InlineGrid>
                      {/* Product gifts beside or instead of the points: the shop's free-product rewards (0031). */}
                      <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
                        <Select
                          label="Gift on reaching the tier"
                          options={giftOptions}
                          value={tier.entryGiftRewardId ?? ""}
                          onChange={(entryGiftRewardId) => setRow(index, { entryGiftRewardId })}
                          error={at("entryGiftRewardId")}
                          helpText={editor.gifts.length ? "A code for one free unit, once per member and year" : "Add a “Free product” reward first"}
                        />
                        <Select
                          label="Birthday gift"
                          options={giftOptions}
                          value={tier.birthdayGiftRewardId ?? ""}
                          onChange={(birthdayGiftRewardId) => setRow(index, { birthdayGiftRewardId })}
                          error={at("birthdayGiftRewardId")}
                          helpText="On the birthday, instead of the birthday rule's gift"
                        />
                      </InlineGrid>
                    </FormLayout>
                  </BlockStack>
                );
              })}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <PaidTiersCard tiers={paidTiers} />
        </Layout.Section>
        <Layout.Section>
          <Text as="p" tone="subdued">
            {editor.lastReviewAt
              ? `Tiers were last reviewed ${new Date(editor.lastReviewAt).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" })}. Customers get a kanta-tier-<name> tag and the tier in a customer metafield${editor.sync.pending ? ` (${editor.sync.pending} updates on their way to Shopify)` : ""}.`
              : "Customers get a kanta-tier-<name> tag and the tier in a customer metafield, for segments, discounts and Shopify Flow."}
          </Text>
        </Layout.Section>
      </Layout>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Save the new tier settings?"
        primaryAction={{ content: "Save and apply", loading: save.state !== "idle", onAction: () => save.submit({ intent: "save", settings: settingsJson() }, { method: "post" }) }}
        secondaryActions={[{ content: "Keep editing", onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">{previewData?.summary ?? ""}</Text>
            <Text as="p" tone="subdued">
              Members who qualify for a higher tier move up within a minute, with their entry points. Nobody moves down before the next review.
            </Text>
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
