import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  Checkbox,
  ChoiceList,
  EmptyState,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { EarnRuleError, deleteEarnRule, getRuleEditor, listGiftChoices, saveEarnRule } from "../loyalty/earn/rules-admin.server";
import { GIFT_RULE_TYPES, NETWORK_LABELS, PURCHASE_EXCLUSIONS, RULE_TYPES, awardedWhen, defaultRuleName, limitLabel, ordinal, readRuleConfig } from "../loyalty/earn/rules";
import { RULE_FIELDS, ruleFormValues, type RuleErrors, type RuleFormValues } from "../loyalty/earn/rule-form";
import { defaultExampleMinor, purchasePreview } from "../loyalty/earn/preview";
import { SOCIAL_NETWORKS } from "../loyalty/earn/actions";
import { formatMinorPlain } from "../loyalty/ledger/money";
import { requireAdmin } from "../shopify/admin.server";
import { EarnRuleIcon } from "../components/EarnRuleIcon";
import { useEditorForm } from "../components/useEditorForm";
import { SectionCard } from "../components/SectionCard";
import { ConfirmModal } from "../components/ConfirmModal";
import { EditorPage } from "../components/EditorPage";
import { ProductRulesSection } from "../components/earn/ProductRulesSection";
import { useAppBridge } from "@shopify/app-bridge-react";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.editor ? (data.editor.rule?.name ?? "Add a way to earn") : "Way to earn"} · Kanta` },
];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, local } = await requireAdmin(request);
  const type = new URL(request.url).searchParams.get("type");
  const editor = await getRuleEditor(shop, params.id ?? "", type);
  if (!editor) return { editor: null, values: null, local, gifts: [] };
  const values = ruleFormValues(editor.rule, editor.type, editor.shop.currencyCode);
  // A new follow starts on the first network that has none yet.
  if (!editor.rule && editor.type === "social_follow") {
    values.network = SOCIAL_NETWORKS.find((n) => !editor.rules.some((r) => r.type === "social_follow" && r.config.network === n)) ?? "";
  }
  return { editor, values, local, gifts: GIFT_RULE_TYPES.includes(editor.type) ? await listGiftChoices(shop) : [] };
};

export type RuleActionResult =
  | { ok: true; intent: "save"; id: string; created: boolean; message: string }
  | { ok: true; intent: "delete"; message: string }
  | { ok: false; errors: RuleErrors };

// Expected errors come back as data (STYLE.md rule 5), each on its field.
export const action = async ({ request, params }: ActionFunctionArgs): Promise<RuleActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const id = params.id ?? "";
  if (intent === "save") {
    const values: RuleFormValues = {};
    for (const field of RULE_FIELDS) {
      const value = form.get(field);
      if (typeof value === "string") values[field] = value;
    }
    const result = await saveEarnRule(shop, id === "new" ? null : id, values, undefined, actor);
    if (!result.ok) return result;
    return { ok: true, intent, id: result.id, created: result.created, message: result.created ? `“${result.name}” added` : "Saved" };
  }
  if (intent === "delete") {
    try {
      await deleteEarnRule(shop, id, undefined, actor);
      return { ok: true, intent, message: "Way to earn deleted" };
    } catch (error) {
      if (error instanceof EarnRuleError) return { ok: false, errors: { form: error.message } };
      throw error;
    }
  }
  return { ok: false, errors: { form: "Unknown action" } };
};

type Values = ReturnType<typeof ruleFormValues>;

export default function EarnRulePage() {
  const { editor, values: loaded, local, gifts } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const save = useFetcher<typeof action>();
  const remove = useFetcher<typeof action>();
  const [example, setExample] = useState(() => (editor ? formatMinorPlain(defaultExampleMinor(editor.shop.currencyCode), editor.shop.currencyCode) : ""));
  const { values, setValues, deleteModal, page } = useEditorForm<Values>(loaded, { save, remove, listUrl: "/app/earn" });

  if (!editor || !values) {
    return (
      <Page title="Way to earn not found" backAction={{ content: "Ways to earn", url: "/app/earn" }}>
        <Card>
          <EmptyState heading="This way to earn does not exist" image="" action={{ content: "Back to ways to earn", url: "/app/earn" }}>
            <p>It may have been deleted. See every way to earn on the list.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const { type, rule, shop } = editor;
  const info = RULE_TYPES[type];
  const isNew = rule === null;
  const saving = save.state !== "idle";
  const errors: RuleErrors = save.data && !save.data.ok ? save.data.errors : {};
  const set = (field: keyof Values) => (value: string) => setValues((v) => (v ? { ...v, [field]: value } : v));
  const submit = () => save.submit({ intent: "save", ...values }, { method: "post" });
  const config = readRuleConfig(JSON.stringify({ network: values.network || undefined, url: values.url || undefined, every: Number(values.every) || undefined }));
  const namePlaceholder = defaultRuleName(type, config);
  const manual = type === "review";

  const preview =
    type === "purchase"
      ? purchasePreview({
          exampleText: example,
          pointsText: values.points,
          spendText: values.spend,
          currencyCode: shop.currencyCode,
          locale: shop.locale,
          tiers: editor.tiers,
          campaigns: editor.campaigns.map((c) => ({
            name: c.name,
            multiplierPermille: c.multiplierPermille,
            status: c.status,
            tierRanks: c.tierRanks,
            when: `from ${c.startsOn}`,
          })),
        })
      : null;

  const nameField = (
    <TextField
      label={type === "custom" ? "Action name" : "Name shown to customers"}
      name="name"
      autoComplete="off"
      value={values.name}
      onChange={set("name")}
      error={errors.name}
      placeholder={type === "custom" ? "e.g. Share a photo of your purchase" : namePlaceholder}
      maxLength={100}
      helpText={type === "custom" ? "Shown in the rewards widget: say what the customer should do." : `Shown in the rewards widget. Empty: “${namePlaceholder}”.`}
    />
  );

  return (
    <EditorPage
      title={isNew ? `Add: ${info.label}` : rule.name}
      titleMetadata={isNew ? undefined : rule.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
      subtitle={isNew ? info.summary : info.label !== rule.name ? info.label : undefined}
      back={{ content: "Ways to earn", url: "/app/earn" }}
      saveBarId="earn-rule-save-bar"
      {...page}
      isNew={isNew} saving={saving} onSave={submit} formError={errors.form}
      modal={
        <ConfirmModal
          {...deleteModal}
          title={`Delete “${rule?.name ?? ""}”?`}
          confirmLabel="Delete"
        >
          {type === "purchase"
            ? "Orders paid after this earn no points until you add a purchase rule again. Points already earned stay, and refunds still take back what their order earned."
            : "Members can no longer earn these points. Points already earned stay. To pause it instead, turn it off."}
        </ConfirmModal>
      }
    >
          {manual ? (
            <Layout.Section>
              <Banner tone="warning" title="Not awarded automatically yet">
                <p>{awardedWhen(type, config)}</p>
              </Banner>
            </Layout.Section>
          ) : null}
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="400">
                  <InlineStack gap="300" blockAlign="center" wrap={false}>
                    <EarnRuleIcon type={type} network={values.network || undefined} />
                    <Text as="h2" variant="headingMd">
                      {info.label}
                    </Text>
                  </InlineStack>
                  <FormLayout>
                    {type === "custom" ? nameField : null}
                    {type === "purchase" ? (
                      <BlockStack gap="200">
                        <ChoiceList
                          title="How orders earn"
                          choices={[
                            { label: "Points for every amount spent", value: "rate" },
                            { label: "Fixed points per order", value: "fixed", helpText: "The same points for every order from a minimum spend." },
                          ]}
                          selected={[values.mode || "rate"]}
                          onChange={(selected) => set("mode")(selected[0] ?? "rate")}
                          error={errors.mode}
                        />
                        {values.mode === "fixed" ? (
                          <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
                            <TextField label="Points per order" type="number" min={1} name="points" autoComplete="off" value={values.points} onChange={set("points")} error={errors.points} />
                            <TextField
                              label="Minimum spend (optional)"
                              name="minSpend"
                              inputMode="decimal"
                              autoComplete="off"
                              value={values.minSpend}
                              onChange={set("minSpend")}
                              error={errors.minSpend}
                              suffix={shop.currencyCode}
                              helpText="Eligible spend after discounts; a refund below it takes the points back."
                            />
                          </InlineGrid>
                        ) : (
                          <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
                            <TextField label="Points" type="number" min={1} name="points" autoComplete="off" value={values.points} onChange={set("points")} error={errors.points} />
                            <TextField
                              label="For every"
                              name="spend"
                              inputMode="decimal"
                              autoComplete="off"
                              value={values.spend}
                              onChange={set("spend")}
                              error={errors.spend}
                              suffix={shop.currencyCode}
                            />
                          </InlineGrid>
                        )}
                        <Text as="p" tone="subdued" variant="bodySm">
                          {`${PURCHASE_EXCLUSIONS} Changes apply to orders paid from now on; earlier orders keep the rate they earned with.`}
                        </Text>
                      </BlockStack>
                    ) : null}
                    {type === "social_follow" ? (
                      <FormLayout.Group>
                        <Select
                          label="Network"
                          name="network"
                          placeholder="Choose a network"
                          options={SOCIAL_NETWORKS.map((n) => ({ label: NETWORK_LABELS[n], value: n }))}
                          value={values.network}
                          onChange={set("network")}
                          error={errors.network}
                        />
                        <TextField
                          label="Link to your profile"
                          name="url"
                          type="url"
                          autoComplete="off"
                          placeholder={`https://www.${values.network === "x" ? "x" : values.network || "instagram"}.com/yourshop`}
                          value={values.url}
                          onChange={set("url")}
                          error={errors.url}
                          helpText="The widget opens it when a member taps Follow."
                        />
                      </FormLayout.Group>
                    ) : null}
                    {type === "nth_order" ? (
                      <TextField
                        label="Every how many orders (N)"
                        name="every"
                        type="number"
                        min={2}
                        autoComplete="off"
                        value={values.every}
                        onChange={set("every")}
                        error={errors.every}
                        helpText={Number(values.every) >= 2 ? `The bonus comes with a member's ${nthList(Number(values.every), values.limit)} order.` : "At least 2."}
                      />
                    ) : null}
                    {type !== "purchase" ? (
                      <TextField
                        label="Points"
                        type="number"
                        min={GIFT_RULE_TYPES.includes(type) ? 0 : 1}
                        name="points"
                        autoComplete="off"
                        value={values.points}
                        onChange={set("points")}
                        error={errors.points}
                        helpText={GIFT_RULE_TYPES.includes(type) ? "0 for a gift only." : undefined}
                      />
                    ) : null}
                    {GIFT_RULE_TYPES.includes(type) ? (
                      <Select
                        label="Product gift"
                        name="giftRewardId"
                        options={[{ label: "No gift", value: "" }, ...gifts.map((g) => ({ label: g.label, value: g.id }))]}
                        value={values.giftRewardId}
                        onChange={set("giftRewardId")}
                        error={errors.giftRewardId}
                        helpText={
                          gifts.length
                            ? "Beside or instead of the points: a code for one free unit of the product, for this member only, single use, valid as long as the reward's codes are. Members add it to their cart from the widget."
                            : "To give a product, first add a “Free product” reward under Rewards (it can stay off in the points catalogue)."
                        }
                      />
                    ) : null}
                    {type !== "custom" ? nameField : null}
                    {type === "custom" ? (
                      <TextField
                        label="Link (optional)"
                        name="url"
                        type="url"
                        autoComplete="off"
                        placeholder="https://"
                        value={values.url}
                        onChange={set("url")}
                        error={errors.url}
                        helpText="A page the member opens from the widget, e.g. your survey."
                      />
                    ) : null}
                  </FormLayout>
                </BlockStack>
              </Card>
              {type === "purchase" ? (
                <SectionCard title="Products and collections">
                  <ProductRulesSection
                    rowsJson={values.productRules || "[]"}
                    onChange={set("productRules")}
                    catalog={editor.catalog}
                    error={errors.productRules}
                    pick={
                      local
                        ? undefined
                        : async (pickType) => {
                            const picked = await shopify.resourcePicker({ type: pickType, action: "select" });
                            const first = picked?.[0];
                            return first ? { gid: first.id, title: first.title ?? "" } : null;
                          }
                    }
                  />
                </SectionCard>
              ) : null}
              {preview && values.mode !== "fixed" ? (
                <SectionCard title="Preview">
                  <Box maxWidth="240px">
                    <TextField label="Example order" name="example" inputMode="decimal" autoComplete="off" value={example} onChange={setExample} suffix={shop.currencyCode} />
                  </Box>
                  <div aria-live="polite" data-testid="purchase-preview">
                    <BlockStack gap="100">
                      <Text as="p" variant="headingLg">
                        {preview.sentence ?? "Enter the points and an amount to see an example."}
                      </Text>
                      {preview.tiers ? <Text as="p">{preview.tiers}</Text> : null}
                      {preview.campaigns.map((line) => (
                        <Text as="p" key={line} tone="success">
                          {line}
                        </Text>
                      ))}
                    </BlockStack>
                  </div>
                  <Text as="p" tone="subdued" variant="bodySm">
                    Rounded down to whole points, the same way paid orders are counted.
                  </Text>
                </SectionCard>
              ) : null}
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <SectionCard title="Status">
                <Checkbox
                  label="On"
                  checked={values.enabled === "true"}
                  onChange={(checked) => set("enabled")(String(checked))}
                  helpText="Off: hidden from the widget and nothing is awarded."
                />
              </SectionCard>
              <SectionCard title="How often">
                {info.limits.length > 1 ? (
                  <ChoiceList
                    title="How often"
                    titleHidden
                    choices={info.limits.map((limit) => ({ label: limitLabel(type, limit, Number(values.every) >= 2 ? Number(values.every) : undefined), value: limit }))}
                    selected={[values.limit]}
                    onChange={(selected) => set("limit")(selected[0] ?? "")}
                    error={errors.limit}
                  />
                ) : (
                  <Text as="p">{limitLabel(type, info.limits[0]!)}</Text>
                )}
                {manual ? null : (
                  <Text as="p" tone="subdued" variant="bodySm">
                    {awardedWhen(type, config)}
                  </Text>
                )}
              </SectionCard>
            </BlockStack>
          </Layout.Section>
    </EditorPage>
  );
}

/** "5th, 10th, 15th …" or "5th" (only once). */
function nthList(every: number, limit: string): string {
  return limit === "once" ? ordinal(every) : `${ordinal(every)}, ${ordinal(every * 2)}, ${ordinal(every * 3)} …`;
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
