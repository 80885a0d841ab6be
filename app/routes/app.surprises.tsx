import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Box, Button, ButtonGroup, Card, ChoiceList, DataTable, EmptyState, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useState } from "react";
import {
  SurpriseAdminError,
  createSurprise,
  deleteSurprise,
  listSurprises,
  previewAudience,
  startSurprise,
  surpriseCollectionOptions,
  surpriseGiftOptions,
  surpriseRewardOptions,
  surpriseTierOptions,
  surpriseWinners,
  type SurpriseRow,
} from "../loyalty/surprise/surprises.server";
import { requireAdmin } from "../shopify/admin.server";

// Surprises (0037): pick members by tier and recent order, give all of them or N drawn at
// random points, a reward code or a product gift (0031); the audience's size before anything happens; start; the
// draw's record (eligible, time, winners). The job (app/jobs/surprise-job.server.ts) runs it.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const show = new URL(request.url).searchParams.get("show");
  const [surprises, tiers, rewards, gifts, collections] = await Promise.all([listSurprises(shop), surpriseTierOptions(shop), surpriseRewardOptions(shop), surpriseGiftOptions(shop), surpriseCollectionOptions(shop)]);
  const shown = show ? surprises.find((s) => s.id === show) ?? null : null;
  return { surprises, tiers, rewards, gifts, collections, shown, winners: shown ? await surpriseWinners(shop, shown.id, undefined, 20) : [] };
};

export type SurprisesActionResult =
  | { intent: "preview"; ok: true; count: number }
  | { intent: string; ok: true; message: string }
  | { intent: string; ok: false; message: string; errors: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs): Promise<SurprisesActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  // Tier ids as repeated fields or one comma-separated field (how useFetcher sends a list).
  const list = (name: string) => form.getAll(name).flatMap((v) => String(v).split(",")).map((v) => v.trim()).filter(Boolean);
  const fields = { ...Object.fromEntries(form), tierIds: list("tierIds"), productTypes: list("productTypes"), collectionIds: list("collectionIds") };
  try {
    if (intent === "preview") {
      const days = String(form.get("orderedWithinDays") ?? "");
      const preview = await previewAudience(shop, { tierIds: fields.tierIds, orderedWithinDays: days ? Number(days) : null, productTypes: fields.productTypes, collectionIds: fields.collectionIds });
      return preview.ok ? { intent, ok: true, count: preview.count } : { intent, ok: false, message: preview.message, errors: {} };
    }
    if (intent === "create") {
      await createSurprise(shop, fields, undefined, actor);
      return { intent, ok: true, message: "Surprise saved. Start it when you are ready." };
    }
    if (intent === "start") {
      const ok = await startSurprise(shop, String(form.get("id") ?? ""), undefined, actor);
      return ok ? { intent, ok, message: "Surprise started: winners are drawn and told within a minute" } : { intent, ok, message: "This surprise has already started", errors: {} };
    }
    if (intent === "delete") {
      const ok = await deleteSurprise(shop, String(form.get("id") ?? ""), undefined, actor);
      return ok ? { intent, ok, message: "Surprise deleted" } : { intent, ok, message: "A started surprise cannot be deleted", errors: {} };
    }
    return { intent, ok: false, message: "Unknown action", errors: {} };
  } catch (error) {
    if (error instanceof SurpriseAdminError) return { intent, ok: false, message: error.message, errors: error.fieldErrors };
    throw error;
  }
};

const STATUS: Record<string, { label: string; tone?: "success" | "attention" | "critical" | "info" }> = {
  draft: { label: "Draft" },
  queued: { label: "Starting", tone: "info" },
  awarding: { label: "Giving prizes", tone: "attention" },
  done: { label: "Done", tone: "success" },
  failed: { label: "Failed", tone: "critical" },
};

type Option = { id: string; name: string };

function NewSurprise({ tiers, rewards, gifts, collections }: { tiers: Option[]; rewards: Option[]; gifts: Option[]; collections: Option[] }) {
  const create = useFetcher<typeof action>();
  const preview = useFetcher<typeof action>();
  const [name, setName] = useState("");
  const [prizeType, setPrizeType] = useState("points");
  const [prizePoints, setPrizePoints] = useState("250");
  const [rewardId, setRewardId] = useState(rewards[0]?.id ?? "");
  const [giftId, setGiftId] = useState(gifts[0]?.id ?? "");
  const [mode, setMode] = useState("draw");
  const [winners, setWinners] = useState("10");
  const [tierIds, setTierIds] = useState<string[]>([]);
  const [days, setDays] = useState("");
  const [types, setTypes] = useState("");
  const [collectionIds, setCollectionIds] = useState<string[]>([]);
  const errors = create.data && !create.data.ok ? create.data.errors : {};
  const shopify = useAppBridge();
  useEffect(() => {
    if (create.state === "idle" && create.data && "message" in create.data) shopify.toast.show(create.data.message, { isError: !create.data.ok });
  }, [create.state, create.data, shopify]);
  const previewSubmit = preview.submit;
  useEffect(() => {
    const id = setTimeout(() => previewSubmit({ intent: "preview", tierIds: tierIds.join(","), orderedWithinDays: days, productTypes: types, collectionIds: collectionIds.join(",") }, { method: "post" }), 300);
    return () => clearTimeout(id);
  }, [tierIds, days, types, collectionIds, previewSubmit]);
  const count = preview.data && preview.data.ok && "count" in preview.data ? preview.data.count : null;
  const previewError = preview.data && !preview.data.ok ? preview.data.message : null;
  const shown = count === null ? "…" : new Intl.NumberFormat("en").format(count);
  const submit = () => create.submit({ intent: "create", name, prizeType, prizePoints, rewardId: prizeType === "gift" ? giftId : rewardId, mode, winners, tierIds: tierIds.join(","), orderedWithinDays: days, productTypes: types, collectionIds: collectionIds.join(",") }, { method: "post" });

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          New surprise
        </Text>
        <FormLayout>
          <TextField label="Name" value={name} onChange={setName} autoComplete="off" maxLength={100} error={errors.name} helpText="Winners see it in the rewards panel and the email." placeholder="Free coffee Friday" />
          <ChoiceList title="Who" allowMultiple choices={tiers.map((t) => ({ label: t.name, value: t.id }))} selected={tierIds} onChange={setTierIds} error={errors.tierIds} />
          <Text as="p" tone="subdued" variant="bodySm">
            No tier ticked: every tier.
          </Text>
          <TextField label="Ordered within" type="number" min={1} suffix="days" value={days} onChange={setDays} autoComplete="off" helpText="Leave empty for everyone, whenever they last ordered." error={errors.orderedWithinDays} />
          <TextField label="Bought a product of type" value={types} onChange={setTypes} autoComplete="off" helpText="Product types, separated by commas (e.g. Coffee, Tea). Leave empty for any." error={errors.productTypes} />
          {collections.length > 0 ? <ChoiceList title="Bought from collection" allowMultiple choices={collections.map((c) => ({ label: c.name, value: c.id }))} selected={collectionIds} onChange={setCollectionIds} error={errors.collectionIds} /> : null}
          <Box background="bg-surface-secondary" padding="300" borderRadius="200">
            <Text as="p" fontWeight="semibold" tone={previewError ? "critical" : undefined}>
              {previewError ?? (count === 1 ? "1 member matches" : `${shown} members match`)}
            </Text>
          </Box>
          <ChoiceList
            title="Prize"
            choices={[
              { label: "Points", value: "points" },
              { label: "A reward from your catalogue (a code, free)", value: "reward", disabled: rewards.length === 0 },
              { label: "A product gift (one of your free-product rewards)", value: "gift", disabled: gifts.length === 0 },
            ]}
            selected={[prizeType]}
            onChange={([v]) => setPrizeType(v ?? "points")}
          />
          {prizeType === "points" ? (
            <TextField label="Points each" type="number" min={1} value={prizePoints} onChange={setPrizePoints} autoComplete="off" error={errors.prizePoints} />
          ) : prizeType === "gift" ? (
            <Select label="Product gift" options={gifts.map((r) => ({ label: r.name, value: r.id }))} value={giftId} onChange={setGiftId} error={errors.rewardId} helpText="Each winner gets a code for this product, free, once." />
          ) : (
            <Select label="Reward" options={rewards.map((r) => ({ label: r.name, value: r.id }))} value={rewardId} onChange={setRewardId} error={errors.rewardId} />
          )}
          <ChoiceList
            title="Winners"
            choices={[
              { label: "Draw at random", value: "draw" },
              { label: "Everyone who matches", value: "all" },
            ]}
            selected={[mode]}
            onChange={([v]) => setMode(v ?? "draw")}
          />
          {mode === "draw" ? <TextField label="How many" type="number" min={1} value={winners} onChange={setWinners} autoComplete="off" error={errors.winners} helpText="Drawn with cryptographic randomness; nobody wins twice." /> : null}
        </FormLayout>
        <InlineStack align="end">
          <Button variant="primary" onClick={submit} loading={create.state !== "idle"}>
            Save surprise
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function Results({ shown, winners }: { shown: SurpriseRow; winners: { memberId: string; name: string; awardedAt: string | null }[] }) {
  const at = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en") : "—");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {shown.name}: the draw
        </Text>
        <Text as="p">
          {shown.eligibleCount === null ? "Not drawn yet." : `${shown.winnerCount} winners among ${shown.eligibleCount} eligible members, drawn ${at(shown.drawnAt)}. ${shown.awardedCount} prizes given.`}
        </Text>
        {winners.length > 0 ? <DataTable columnContentTypes={["text", "text"]} headings={["Winner", "Prize given"]} rows={winners.map((w) => [w.name, at(w.awardedAt)])} /> : null}
        {shown.winnerCount > winners.length ? (
          <Text as="p" tone="subdued">
            {`The first ${winners.length} of ${shown.winnerCount} winners.`}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function Surprises() {
  const { surprises, tiers, rewards, gifts, collections, shown, winners } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const fetcher = useFetcher<typeof action>();
  const [, setParams] = useSearchParams();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data && "message" in fetcher.data) shopify.toast.show(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.state, fetcher.data, shopify]);
  const act = (intent: string, id: string) => fetcher.submit({ intent, id }, { method: "post" });
  const number = new Intl.NumberFormat("en");

  return (
    <Page title="Surprises" subtitle="Delight members you pick: points, a reward or a product gift, for all of them or a few drawn at random.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {shown ? <Results shown={shown} winners={winners} /> : null}
            <Card padding="0">
              {surprises.length === 0 ? (
                <EmptyState heading="No surprises yet" image="">
                  <p>Create one below: choose who, the prize, and how many winners.</p>
                </EmptyState>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "text"]}
                  headings={["Surprise", "Prize", "Status", "Winners", ""]}
                  rows={surprises.map((s) => [
                    <Text as="span" fontWeight="semibold" key="n">
                      {s.name}
                    </Text>,
                    s.prize,
                    <Badge key="b" tone={STATUS[s.status]?.tone}>
                      {STATUS[s.status]?.label ?? s.status}
                    </Badge>,
                    s.eligibleCount === null ? (s.winnersWanted === null ? "all" : `${number.format(s.winnersWanted)} to draw`) : `${number.format(s.winnerCount)} of ${number.format(s.eligibleCount)}`,
                    <ButtonGroup key="a" noWrap>
                      {s.status === "draft" ? (
                        <>
                          <Button size="slim" variant="primary" onClick={() => act("start", s.id)} accessibilityLabel={`Start ${s.name}`}>
                            Start
                          </Button>
                          <Button size="slim" variant="tertiary" tone="critical" onClick={() => act("delete", s.id)} accessibilityLabel={`Delete ${s.name}`}>
                            Delete
                          </Button>
                        </>
                      ) : (
                        <Button size="slim" onClick={() => setParams({ show: s.id })} accessibilityLabel={`Results of ${s.name}`}>
                          Results
                        </Button>
                      )}
                    </ButtonGroup>,
                  ])}
                />
              )}
            </Card>
            <NewSurprise tiers={tiers} rewards={rewards} gifts={gifts} collections={collections} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
