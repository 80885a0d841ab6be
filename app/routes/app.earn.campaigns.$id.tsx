import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, Checkbox, ChoiceList, EmptyState, FormLayout, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { CampaignError, deleteCampaign, getCampaignEditor, saveCampaign } from "../loyalty/earn/campaigns-admin.server";
import { MAX_MULTIPLIER_PERMILLE, MIN_MULTIPLIER_PERMILLE, describeAudience, parseMultiplier, parseTierRanks, type CampaignErrors } from "../loyalty/earn/campaigns";
import { defaultExampleMinor, formatMultiplier } from "../loyalty/earn/preview";
import { MULTIPLIER_ONE, combineMultipliers, computePurchasePoints } from "../loyalty/earn/points";
import { formatMoney } from "../loyalty/ledger/money";
import { requireAdmin } from "../shopify/admin.server";
import { useEditorForm } from "../components/useEditorForm";
import { SectionCard } from "../components/SectionCard";
import { ConfirmModal } from "../components/ConfirmModal";
import { EditorPage } from "../components/EditorPage";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.editor?.campaign?.name ?? "Campaign"} · Kanta` }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { editor: await getCampaignEditor(shop, params.id ?? "") };
};

export type CampaignActionResult =
  | { ok: true; intent: "save"; id: string; created: boolean; message: string }
  | { ok: true; intent: "delete"; message: string }
  | { ok: false; errors: CampaignErrors };

export const action = async ({ request, params }: ActionFunctionArgs): Promise<CampaignActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const id = params.id ?? "";
  if (intent === "save") {
    const text = (field: string) => {
      const value = form.get(field);
      return typeof value === "string" ? value : undefined;
    };
    const result = await saveCampaign(shop, id === "new" ? null : id, {
      name: text("name"),
      multiplier: text("multiplier"),
      startDate: text("startDate"),
      startTime: text("startTime"),
      endDate: text("endDate"),
      endTime: text("endTime"),
      tiers: form.getAll("tiers").filter((v): v is string => typeof v === "string"),
      enabled: text("enabled"),
      collection: text("collection"),
    }, undefined, actor);
    if (!result.ok) return result;
    return { ok: true, intent, id: result.id, created: result.created, message: result.created ? `Campaign “${result.name}” added` : "Saved" };
  }
  if (intent === "delete") {
    try {
      await deleteCampaign(shop, id, undefined, actor);
      return { ok: true, intent, message: "Campaign deleted" };
    } catch (error) {
      if (error instanceof CampaignError) return { ok: false, errors: { form: error.message } };
      throw error;
    }
  }
  return { ok: false, errors: { form: "Unknown action" } };
};

const STATUS_BADGE = {
  active: <Badge tone="success">Active</Badge>,
  scheduled: <Badge tone="info">Scheduled</Badge>,
  ended: <Badge>Ended</Badge>,
  off: <Badge>Off</Badge>,
};

export default function CampaignPage() {
  const { editor } = useLoaderData<typeof loader>();
  const save = useFetcher<typeof action>();
  const remove = useFetcher<typeof action>();
  const { values, setValues, deleteModal, page } = useEditorForm(editor?.values ?? null, {
    save,
    remove,
    listUrl: "/app/earn",
  });

  if (!editor || !values) {
    return (
      <Page title="Campaign not found" backAction={{ content: "Ways to earn", url: "/app/earn" }}>
        <Card>
          <EmptyState heading="This campaign does not exist" image="" action={{ content: "Back to ways to earn", url: "/app/earn" }}>
            <p>It may have been deleted. See every campaign on Ways to earn.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const { campaign, shop, tiers, purchaseRate } = editor;
  const isNew = campaign === null;
  const saving = save.state !== "idle";
  const errors: CampaignErrors = save.data && !save.data.ok ? save.data.errors : {};
  const set = (field: "name" | "multiplier" | "startDate" | "startTime" | "endDate" | "endTime" | "enabled" | "collection") => (value: string) =>
    setValues((v) => (v ? { ...v, [field]: value } : v));
  const submit = () => {
    const body = new FormData();
    body.set("intent", "save");
    for (const [key, value] of Object.entries(values)) {
      if (Array.isArray(value)) for (const item of value) body.append(key, item);
      else body.set(key, value);
    }
    save.submit(body, { method: "post" });
  };

  // What an example order earns during this campaign, with the shop's purchase rule and
  // the tier multiplier of the first member it is for (orders: tier × campaign).
  const permille = parseMultiplier(values.multiplier);
  const exampleMinor = defaultExampleMinor(shop.currencyCode);
  const ranks = parseTierRanks(values.tiers.join(","));
  const audience = describeAudience(ranks, tiers);
  let preview: string | null = null;
  if (!purchaseRate) preview = "There is no purchase rule that is on, so orders earn nothing to multiply.";
  else if (permille !== null && permille >= MIN_MULTIPLIER_PERMILLE && permille <= MAX_MULTIPLIER_PERMILLE) {
    const number = new Intl.NumberFormat(shop.locale);
    const tier = ranks.length ? tiers.find((t) => ranks.includes(t.rank)) : tiers[0];
    const tierPermille = tier?.multiplierPermille ?? MULTIPLIER_ONE;
    const base = computePurchasePoints(exampleMinor, purchaseRate, tierPermille);
    const boosted = computePurchasePoints(exampleMinor, purchaseRate, combineMultipliers([tierPermille, permille]));
    const who = tier && tiers.some((t) => t.multiplierPermille !== tierPermille) ? `For a ${tier.name} member, an` : "An";
    preview = `${who} order of ${formatMoney(exampleMinor, shop.currencyCode, shop.locale)} earns ${number.format(boosted)} points instead of ${number.format(base)} during this campaign.`;
  }

  return (
    <EditorPage
      title={isNew ? "Add campaign" : campaign.name}
      titleMetadata={isNew ? undefined : STATUS_BADGE[campaign.status]}
      subtitle="A points multiplier for a while"
      back={{ content: "Ways to earn", url: "/app/earn" }}
      saveBarId="campaign-save-bar"
      {...page}
      isNew={isNew} saving={saving} onSave={submit} formError={errors.form}
      modal={
        <ConfirmModal
          {...deleteModal}
          title={`Delete “${campaign?.name ?? ""}”?`}
          confirmLabel="Delete"
        >
          Orders keep the points they already earned with it. To stop it for now, turn it off instead.
        </ConfirmModal>
      }
    >
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <FormLayout>
                  <TextField label="Name" name="name" autoComplete="off" value={values.name} onChange={set("name")} error={errors.name} placeholder="e.g. Double points weekend" maxLength={100} />
                  <TextField
                    label="Multiplier"
                    name="multiplier"
                    inputMode="decimal"
                    autoComplete="off"
                    value={values.multiplier}
                    onChange={set("multiplier")}
                    error={errors.multiplier}
                    suffix="×"
                    helpText={`From ${formatMultiplier(MIN_MULTIPLIER_PERMILLE)} to ${formatMultiplier(MAX_MULTIPLIER_PERMILLE)}. 2 doubles the points orders earn; sign-up and other bonuses stay as they are.`}
                  />
                  <FormLayout.Group condensed>
                    <TextField label="Start date" name="startDate" type="date" autoComplete="off" value={values.startDate} onChange={set("startDate")} error={errors.startDate} />
                    <TextField label="Start time" name="startTime" type="time" autoComplete="off" value={values.startTime} onChange={set("startTime")} error={errors.startTime} />
                  </FormLayout.Group>
                  <FormLayout.Group condensed>
                    <TextField label="End date" name="endDate" type="date" autoComplete="off" value={values.endDate} onChange={set("endDate")} error={errors.endDate} />
                    <TextField label="End time" name="endTime" type="time" autoComplete="off" value={values.endTime} onChange={set("endTime")} error={errors.endTime} />
                  </FormLayout.Group>
                  <Text as="p" tone="subdued" variant="bodySm">
                    {`Times are in your shop's time zone, ${shop.timezone}. Orders placed from the start time up to (not including) the end time earn the multiplier.`}
                  </Text>
                </FormLayout>
              </Card>
              <SectionCard title="Preview">
                <div aria-live="polite">
                  <Text as="p" variant="headingMd">
                    {preview ?? "Enter a multiplier to see an example."}
                  </Text>
                </div>
                <Text as="p" tone="subdued" variant="bodySm">
                  Campaigns may overlap, but they do not add up: an order gets the highest campaign running when it is placed, times the member's tier multiplier (a 1.5× tier during a 2× campaign earns 3×). Orders keep the multiplier they were placed with.
                </Text>
              </SectionCard>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <SectionCard title="Status">
                <Checkbox label="On" checked={values.enabled === "true"} onChange={(checked) => set("enabled")(String(checked))} helpText="Off: the campaign multiplies nothing, even inside its dates." />
              </SectionCard>
              <SectionCard title="Who it is for">
                <ChoiceList
                  title="Who it is for"
                  titleHidden
                  allowMultiple
                  choices={tiers.map((t) => ({ label: t.name, value: String(t.rank) }))}
                  selected={values.tiers}
                  onChange={(selected) => setValues((v) => (v ? { ...v, tiers: selected } : v))}
                  error={errors.tiers}
                />
                <Text as="p" tone="subdued" variant="bodySm">
                  {values.tiers.length === 0 ? "None ticked: every member." : `Only ${audience}.`}
                </Text>
              </SectionCard>
              <SectionCard title="What it multiplies">
                <Select
                  label="Products"
                  name="collection"
                  options={[{ label: "The whole order", value: "" }, ...editor.collections.map((c) => ({ label: `Only the collection “${c.title}”`, value: c.gid }))]}
                  value={values.collection}
                  onChange={set("collection")}
                  error={errors.collection}
                  helpText={values.collection ? "Only these products' lines earn the multiplier; the rest of the order earns as usual." : "Every eligible item in the order."}
                />
              </SectionCard>
            </BlockStack>
          </Layout.Section>
    </EditorPage>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
