import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  EmptyState,
  FormLayout,
  InlineError,
  InlineStack,
  Layout,
  Page,
  PageActions,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  RewardAdminError,
  deleteReward,
  emptyRewardForm,
  getRewardForEdit,
  parseRewardForm,
  saveReward,
  type RewardFormErrors,
  type RewardFormValues,
} from "../loyalty/rewards/admin.server";
import { REWARD_TYPES, REWARD_TYPE_INFO, isRewardType, type RewardType } from "../loyalty/rewards/rewards";
import { requireAdmin } from "../shopify/admin.server";
import { currencySymbol, formatMoney, readMoneyInput } from "../loyalty/ledger/money";
import { NotSavedBanner, SaveBarForm } from "../components/SaveBarForm";
import { SectionCard } from "../components/SectionCard";
import { RewardTierVariants } from "../components/RewardTierVariants";
import { ConfirmModal } from "../components/ConfirmModal";

// Create (id "new", ?type=…) or edit one reward. Errors come back as data, on their fields;
// nothing is saved while any field is wrong.

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const id = params.id ?? "new";
  const found = await getRewardForEdit(shop, id);
  const requested = new URL(request.url).searchParams.get("type") ?? "";
  const type: RewardType = isRewardType(requested) ? requested : "amount_off";
  if (!found || "notFound" in found) return { id, notFound: true as const, currencyCode: "USD", tiers: [], values: emptyRewardForm(type), redemptionRows: 0 };
  const { reward, ...rest } = found;
  const values: RewardFormValues = reward ? { ...reward } : emptyRewardForm(type);
  return { ...rest, id, notFound: false as const, values };
};

export type RewardActionResult =
  | { ok: true; intent: "save"; id: string; created: boolean; message: string }
  | { ok: true; intent: "delete"; message: string; deleted: boolean }
  | { ok: false; errors: RewardFormErrors };

export const action = async ({ request, params }: ActionFunctionArgs): Promise<RewardActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const id = params.id ?? "new";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  try {
    if (intent === "delete") {
      const outcome = await deleteReward(shop, id, undefined, actor);
      return {
        ok: true,
        intent,
        deleted: outcome === "deleted",
        message: outcome === "deleted" ? "Reward deleted" : "Reward disabled: it has redemptions, so it is kept for their history",
      };
    }
    const context = await getRewardForEdit(shop, id);
    if (!context || "notFound" in context) return { ok: false, errors: { form: "This reward does not exist" } };
    const parsed = parseRewardForm(Object.fromEntries(form), { currencyCode: context.currencyCode, tierRanks: context.tiers.map((t) => t.rank), tiers: context.tiers });
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    const savedId = await saveReward(shop, id, parsed.data, undefined, actor);
    return { ok: true, intent: "save", id: savedId, created: id === "new", message: id === "new" ? "Reward created" : "Reward saved" };
  } catch (error) {
    if (error instanceof RewardAdminError) return { ok: false, errors: { form: error.message } };
    throw error;
  }
};


/** An amount as typed ("5,00", "€5") in minor units for the preview, read as the server reads it; null while not one. */
function typedAmount(text: string, currencyCode: string): number | null {
  const read = readMoneyInput(text, currencyCode, { sign: "positive" });
  return read.ok ? read.minor : null;
}

/** The live sentence under the form: what a member gets, in the merchant's words. */
function previewSentence(v: RewardFormValues, currencyCode: string, tierName: string | null): string {
  const money = (minor: number) => formatMoney(minor, currencyCode, "en");
  const number = new Intl.NumberFormat("en");
  const cost = Number(v.pointsCost);
  const spend = Number.isInteger(cost) && cost > 0 ? `${number.format(cost)} points` : "points";
  const amount = typedAmount(v.value, currencyCode);
  const minOrder = typedAmount(v.minOrder, currencyCode);
  const days = Number(v.expiryDays);
  let what: string;
  switch (v.type) {
    case "amount_off":
      what = `Members spend ${spend} for ${amount ? money(amount) : "an amount"} off`;
      break;
    case "percent_off":
      what = `Members spend ${spend} for ${v.percentOff || "a percentage"}% off`;
      break;
    case "free_shipping":
      what = `Members spend ${spend} for free shipping`;
      break;
    case "free_product":
      what = `Members spend ${spend} for a free ${v.productTitle || "product"}`;
      break;
    case "store_credit":
      what = `Members spend ${spend} for ${amount ? money(amount) : "an amount"} in store credit, added to their Shopify account${v.notify ? "; Shopify emails them when it is added" : ""}`;
      break;
    case "points_to_money": {
      const step = Number(v.pointsPerUnit);
      const unit = typedAmount(v.unitAmount, currencyCode);
      const max = typedAmount(v.maxAmount, currencyCode);
      what = `Members choose how many points to use: every ${Number.isInteger(step) && step > 0 ? number.format(step) : "…"} points take ${unit ? money(unit) : "…"} off${max ? `, up to ${money(max)} per code` : ""}`;
      break;
    }
  }
  const parts = [what + (minOrder ? ` on orders of ${money(minOrder)} or more.` : ".")];
  if (Number.isInteger(days) && days > 0) parts.push(`The ${v.type === "store_credit" ? "credit" : "code"} is valid for ${days} ${days === 1 ? "day" : "days"}.`);
  if (v.type === "store_credit") parts.push("It can be spent at online checkout when signed in, not in POS.");
  if (tierName) parts.push(`Only for ${tierName} members and above.`);
  if (v.tierVariants.some((r) => r.pointsCost || r.type || r.value || r.percentOff)) parts.push("Some tiers get it on their own terms.");
  return parts.join(" ");
}

export default function RewardEditor() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const shopify = useAppBridge();
  const save = useFetcher<typeof action>();
  const secondary = useFetcher<typeof action>();
  const [values, setValues] = useState<RewardFormValues>(data.values);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const isNew = data.id === "new";

  // A saved change is the new baseline. Compared by content: loaders also rerun after a
  // refused save, and that must not wipe what the merchant typed.
  const baseline = JSON.stringify(data.values);
  useEffect(() => setValues(JSON.parse(baseline) as RewardFormValues), [baseline]);
  const dirty = useMemo(() => JSON.stringify(values) !== baseline, [values, baseline]);
  const errors: RewardFormErrors = save.data && !save.data.ok ? save.data.errors : {};
  const saving = save.state !== "idle";

  useEffect(() => {
    if (save.state !== "idle" || !save.data) return;
    if (save.data.ok && save.data.intent === "save") {
      shopify.toast.show(save.data.message);
      if (save.data.created) navigate("/app/rewards");
    } else if (!save.data.ok) {
      shopify.toast.show("The reward wasn't saved. Check the highlighted fields.", { isError: true });
    }
  }, [save.state, save.data, shopify, navigate]);
  useEffect(() => {
    if (secondary.state !== "idle" || !secondary.data) return;
    setConfirmDelete(false);
    if (secondary.data.ok) {
      shopify.toast.show(secondary.data.message);
      if (secondary.data.intent === "delete") navigate("/app/rewards");
    } else {
      shopify.toast.show(secondary.data.errors.form ?? "Could not save", { isError: true });
    }
  }, [secondary.state, secondary.data, shopify, navigate]);

  if (data.notFound) {
    return (
      <Page title="Reward not found" backAction={{ content: "Rewards", url: "/app/rewards" }}>
        <Card>
          <EmptyState heading="This reward does not exist" image="" action={{ content: "Back to rewards", url: "/app/rewards" }}>
            <p>It may have been deleted. Rewards that members have redeemed are never deleted, only disabled.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const set = (patch: Partial<RewardFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const field = (name: keyof RewardFormValues) => ({
    value: String(values[name]),
    onChange: (value: string) => set({ [name]: value } as Partial<RewardFormValues>),
    error: errors[name],
    autoComplete: "off",
    name,
  });
  const submit = () => {
    const body: Record<string, string> = { intent: "save" };
    for (const [key, value] of Object.entries(values)) body[key] = Array.isArray(value) ? JSON.stringify(value) : String(value);
    save.submit(body, { method: "post" });
  };
  const discard = () => setValues(data.values);
  const pickProduct = async () => {
    const selection = await shopify.resourcePicker({ type: "product", action: "select", filter: { variants: true } });
    const product = selection?.[0];
    const variant = product?.variants?.[0];
    if (!product || !variant?.id) return;
    const title = variant.title && variant.title !== "Default Title" ? `${product.title} – ${variant.title}` : product.title;
    // The price and image are kept with the reward: its code frees one unit of this price,
    // and the widget shows gifts without asking Shopify (docs/decisions/0031-gifts.md).
    const image = (product as { images?: { originalSrc?: string; url?: string }[] }).images?.[0];
    const price = (variant as { price?: string | number }).price;
    set({ productVariantGid: variant.id, productTitle: title, productPrice: price === undefined ? "" : String(price), productImageUrl: image?.originalSrc ?? image?.url ?? "" });
  };

  const symbol = currencySymbol(data.currencyCode);
  const tierOptions = [{ label: "Every member", value: "" }, ...data.tiers.map((t) => ({ label: `${t.name} and above`, value: String(t.rank) }))];
  const maxTierOptions = [{ label: "No limit", value: "" }, ...data.tiers.map((t) => ({ label: `${t.name} and below`, value: String(t.rank) }))];
  const tierName = data.tiers.find((t) => String(t.rank) === values.minTierRank)?.name ?? null;
  const errorCount = Object.keys(errors).length;

  const valueFields = (() => {
    switch (values.type) {
      case "amount_off":
        return <TextField label="Discount amount" inputMode="decimal" prefix={symbol} placeholder="5.00" {...field("value")} helpText="Taken off the order subtotal." />;
      case "percent_off":
        return <TextField label="Percentage off" type="number" min={1} max={100} suffix="%" placeholder="15" {...field("percentOff")} />;
      case "free_shipping":
        return (
          <Text as="p" tone="subdued">
            The code gives free shipping to every destination.
          </Text>
        );
      case "free_product":
        return (
          <BlockStack gap="200">
            <Text as="p" variant="bodyMd">
              Product
            </Text>
            <InlineStack gap="300" blockAlign="center" wrap>
              {values.productTitle || values.productVariantGid ? (
                <Text as="span" fontWeight="semibold">
                  {values.productTitle || values.productVariantGid}
                </Text>
              ) : (
                <Text as="span" tone="subdued">
                  No product chosen
                </Text>
              )}
              <Button onClick={pickProduct}>{values.productVariantGid ? "Change product" : "Choose product"}</Button>
            </InlineStack>
            {errors.productVariantGid ? <InlineError message={errors.productVariantGid} fieldID="productVariantGid" /> : null}
            <Text as="p" tone="subdued" variant="bodySm">
              The code makes one of this product free.
            </Text>
          </BlockStack>
        );
      case "store_credit":
        return (
          <BlockStack gap="300">
            <TextField label="Store credit amount" inputMode="decimal" prefix={symbol} placeholder="5.00" {...field("value")} helpText="Added to the member's Shopify store credit each time they redeem." />
            <Checkbox
              label="Shopify emails the member when the credit is added"
              checked={values.notify}
              onChange={(notify) => set({ notify })}
              helpText="Shopify's own store credit notification, in your store's notification settings."
            />
          </BlockStack>
        );
      case "points_to_money":
        return (
          <FormLayout.Group condensed>
            <TextField label="Points" type="number" min={1} suffix="points" {...field("pointsPerUnit")} helpText="Members redeem in steps of this many points." />
            <TextField label="Are worth" inputMode="decimal" prefix={symbol} placeholder="1.00" {...field("unitAmount")} />
            <TextField label="Maximum per code" inputMode="decimal" prefix={symbol} placeholder="No maximum" {...field("maxAmount")} helpText="Optional." />
          </FormLayout.Group>
        );
    }
  })();

  return (
    <Page
      title={isNew ? `New reward: ${REWARD_TYPE_INFO[values.type].label.toLowerCase()}` : data.values.name}
      titleMetadata={isNew ? undefined : <Badge tone={values.enabled ? "success" : undefined}>{data.values.enabled ? "Active" : "Disabled"}</Badge>}
      backAction={{ content: "Rewards", url: "/app/rewards" }}
      primaryAction={{ content: isNew ? "Create reward" : "Save", onAction: submit, loading: saving, disabled: !isNew && !dirty }}
    >
      <SaveBarForm id="reward-save-bar" dirty={dirty} saving={saving} onSave={submit} onDiscard={discard}>
        <Layout>
          {errorCount > 0 ? (
            <Layout.Section>
              <NotSavedBanner title="The reward wasn't saved" errorCount={errorCount} formError={errors.form} />
            </Layout.Section>
          ) : null}
          <Layout.Section>
            <BlockStack gap="400">
              {isNew ? (
                <Card>
                  <ChoiceList
                    title="Reward type"
                    choices={REWARD_TYPES.map((t) => ({ label: REWARD_TYPE_INFO[t].label, value: t, helpText: REWARD_TYPE_INFO[t].help }))}
                    selected={[values.type]}
                    onChange={([type]) => type && isRewardType(type) && set({ type })}
                    error={errors.type}
                  />
                </Card>
              ) : null}
              <SectionCard title="Reward" gap="400">
                <FormLayout>
                  <TextField label="Name" placeholder={values.type === "points_to_money" ? "Use your points" : values.type === "store_credit" ? "5 € store credit" : "5 € off your order"} maxLength={80} helpText="Members see this in the widget." {...field("name")} />
                  {values.type !== "points_to_money" ? (
                    <TextField label="Cost" type="number" min={1} suffix="points" placeholder="500" {...field("pointsCost")} />
                  ) : null}
                  {valueFields}
                </FormLayout>
              </SectionCard>
              <SectionCard title="Conditions" gap="400">
                <FormLayout>
                  {values.type === "store_credit" ? (
                    <FormLayout.Group>
                      <TextField label="Credit expires after" type="number" min={1} max={365} suffix="days" placeholder="Never" helpText="Optional: 1 to 365 days. Shopify removes what is left unspent then." {...field("expiryDays")} />
                    </FormLayout.Group>
                  ) : (
                    <FormLayout.Group>
                      <TextField label="Minimum order" inputMode="decimal" prefix={symbol} placeholder="None" helpText="Optional: the code works on orders of at least this subtotal." {...field("minOrder")} />
                      <TextField label="Code expires after" type="number" min={1} max={365} suffix="days" placeholder="Never" helpText="Optional: 1 to 365 days." {...field("expiryDays")} />
                    </FormLayout.Group>
                  )}
                  <FormLayout.Group>
                    <Select label="Minimum tier" options={tierOptions} value={values.minTierRank} onChange={(minTierRank) => set({ minTierRank })} error={errors.minTierRank} name="minTierRank" />
                    <Select label="Maximum tier" options={maxTierOptions} value={values.maxTierRank} onChange={(maxTierRank) => set({ maxTierRank })} error={errors.maxTierRank} name="maxTierRank" helpText="Higher tiers don't see it." />
                  </FormLayout.Group>
                  <RewardTierVariants type={values.type} tiers={data.tiers.filter((t) => (values.minTierRank === "" || t.rank >= Number(values.minTierRank)) && (values.maxTierRank === "" || t.rank <= Number(values.maxTierRank)))} rows={values.tierVariants} onChange={(tierVariants) => set({ tierVariants })} currencySymbol={symbol} error={errors.tierVariants} />
                </FormLayout>
              </SectionCard>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <SectionCard title="Status" gap="200">
                <Checkbox label="Members can redeem this reward" checked={values.enabled} onChange={(enabled) => set({ enabled })} helpText="Turned off, it disappears from the widget." />
                {!isNew ? (
                  <Text as="p" tone="subdued" variant="bodySm">
                    {data.redemptionRows === 0 ? "Not redeemed yet." : `Redeemed ${data.redemptionRows} ${data.redemptionRows === 1 ? "time" : "times"}.`}
                  </Text>
                ) : null}
              </SectionCard>
              <SectionCard title="Preview" gap="200">
                <Box>
                  <Text as="p">{previewSentence(values, data.currencyCode, tierName)}</Text>
                </Box>
              </SectionCard>
            </BlockStack>
          </Layout.Section>
          <Layout.Section>
            <PageActions
              primaryAction={{ content: isNew ? "Create reward" : "Save", onAction: submit, loading: saving, disabled: !isNew && !dirty }}
              secondaryActions={isNew ? [] : [{ content: "Delete reward", destructive: true, onAction: () => setConfirmDelete(true) }]}
            />
          </Layout.Section>
        </Layout>
      </SaveBarForm>

      <ConfirmModal
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={data.redemptionRows > 0 ? "Disable this reward?" : "Delete this reward?"}
        confirmLabel={data.redemptionRows > 0 ? "Disable reward" : "Delete reward"}
        loading={secondary.state !== "idle"}
        onConfirm={() => secondary.submit({ intent: "delete" }, { method: "post" })}
      >
        {data.redemptionRows > 0
          ? `Members have redeemed it ${data.redemptionRows} ${data.redemptionRows === 1 ? "time" : "times"}, so it is kept for their codes and history. It will be disabled and disappear from the widget.`
          : "Members will no longer see it in the widget. This can't be undone."}
      </ConfirmModal>
    </Page>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
