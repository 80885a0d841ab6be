import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Button, Card, EmptyState, InlineGrid, InlineStack, Layout, Page, Select, Tag, Text, TextField } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useMemo, useState } from "react";
import { NotSavedBanner, SaveBarForm } from "../components/SaveBarForm";
import { MEMBERS, type AccessErrors, type AccessItem, type AccessRule } from "../loyalty/tiers/access";
import { getAccessPage, saveAccessRules } from "../loyalty/tiers/access-admin.server";
import { requireAdmin } from "../shopify/admin.server";

// Members-only products and early access (0034): which products or collections, who may buy
// (members, or a tier and above) from which shop-local date, and when everyone may. Saved
// whole; the theme block "Members-only product" reads them from the kanta.access metafield.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const page = await getAccessPage(shop);
  if (!page) throw new Response("This shop is not installed", { status: 404 });
  return page;
};

export type AccessActionResult = { ok: true; rules: AccessRule[] } | { ok: false; errors: AccessErrors };

export const action = async ({ request }: ActionFunctionArgs): Promise<AccessActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  let rules: unknown;
  try {
    rules = JSON.parse(String(form.get("rules") ?? ""));
  } catch {
    return { ok: false, errors: { form: "The form could not be read. Reload the page and try again." } };
  }
  return saveAccessRules(shop, rules, undefined, actor);
};

const newId = () => `r${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

export default function MembersOnlyPage() {
  const { rules: saved, tiers, timeZone } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const fetcher = useFetcher<typeof action>();
  const [baseline, setBaseline] = useState<AccessRule[]>(saved);
  const [rules, setRules] = useState<AccessRule[]>(saved);
  const savedKey = JSON.stringify(saved);
  useEffect(() => {
    const next = JSON.parse(savedKey) as AccessRule[];
    setBaseline(next);
    setRules(next);
  }, [savedKey]);
  const dirty = useMemo(() => JSON.stringify(rules) !== JSON.stringify(baseline), [rules, baseline]);
  const errors: AccessErrors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  const saving = fetcher.state !== "idle";
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) {
      setBaseline(fetcher.data.rules);
      setRules(fetcher.data.rules);
      shopify.toast.show("Members-only products saved");
    } else shopify.toast.show("Members-only products weren't saved. Check the highlighted fields.", { isError: true });
  }, [fetcher.state, fetcher.data, shopify]);

  const update = (i: number, patch: Partial<AccessRule>) => setRules((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const save = () => fetcher.submit({ rules: JSON.stringify(rules) }, { method: "post" });
  const add = () => setRules((rs) => [...rs, { id: newId(), name: "", products: [], collections: [], stages: [{ who: MEMBERS, from: null }], openFrom: null }]);
  const whoOptions = [{ label: "All members", value: MEMBERS }, ...tiers.map((t) => ({ label: `${t.name} and above`, value: t.name }))];

  const pick = async (i: number, type: "product" | "collection") => {
    const current = type === "product" ? rules[i]!.products : rules[i]!.collections;
    const selection = (await shopify.resourcePicker({ type, multiple: true, action: "select", selectionIds: current.map((c) => ({ id: c.id })) })) as
      | { id: string; title?: string; handle?: string }[]
      | undefined;
    if (!selection) return;
    const items: AccessItem[] = selection.map((s) => ({ id: s.id, title: s.title ?? "", handle: s.handle ?? "" }));
    update(i, type === "product" ? { products: items } : { collections: items });
  };

  return (
    <Page title="Members-only products" subtitle="Products only members can buy, or buy first" backAction={{ content: "VIP tiers", url: "/app/tiers" }} primaryAction={{ content: "Add a rule", onAction: add }}>
      <SaveBarForm id="members-only-save-bar" dirty={dirty} saving={saving} onSave={save} onDiscard={() => setRules(baseline)}>
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <NotSavedBanner title="Members-only products weren't saved" errorCount={Object.keys(errors).length} formError={errors.form} />
              <Card>
                <BlockStack gap="200">
                  <Text as="p">
                    Add the <b>Members-only product</b> block to your product page in the theme editor. On the products below it hides add to cart for shoppers who may not buy
                    yet and tells them when they can. Dates start at midnight in your shop&apos;s time zone ({timeZone}).
                  </Text>
                  <Text as="p" tone="subdued">
                    A theme can only hide the button: a determined shopper can still add the product through the cart&apos;s web address. Read what a theme can and cannot enforce in
                    the docs (docs/members-only.md).
                  </Text>
                </BlockStack>
              </Card>
              {rules.length === 0 ? (
                <Card>
                  <EmptyState heading="No members-only products yet" action={{ content: "Add a rule", onAction: add }} image="">
                    <p>Sell a product to members only, or give your top tier a head start before everyone else.</p>
                  </EmptyState>
                </Card>
              ) : null}
              {rules.map((r, i) => {
                const e = (field: string) => errors[`rules.${i}.${field}`];
                return (
                  <Card key={r.id}>
                    <BlockStack gap="400">
                      <InlineStack align="space-between" blockAlign="start" gap="200">
                        <div style={{ flex: 1 }}>
                          <TextField label="Name (only you see it)" autoComplete="off" value={r.name} onChange={(name) => update(i, { name })} error={e("name")} placeholder="Spring launch" />
                        </div>
                        <Button variant="plain" tone="critical" onClick={() => setRules((rs) => rs.filter((_r, j) => j !== i))}>
                          Remove rule
                        </Button>
                      </InlineStack>
                      <BlockStack gap="200">
                        <Text as="h3" variant="headingSm">
                          Products and collections
                        </Text>
                        <InlineStack gap="200">
                          <Button onClick={() => void pick(i, "product")}>Pick products</Button>
                          <Button onClick={() => void pick(i, "collection")}>Pick collections</Button>
                        </InlineStack>
                        <InlineStack gap="100">
                          {[...r.products.map((p) => ({ ...p, kind: "products" as const })), ...r.collections.map((c) => ({ ...c, kind: "collections" as const }))].map((it) => (
                            <Tag key={it.id} onRemove={() => update(i, { [it.kind]: r[it.kind].filter((x) => x.id !== it.id) })}>
                              {`${it.kind === "collections" ? "Collection: " : ""}${it.title || it.id}`}
                            </Tag>
                          ))}
                        </InlineStack>
                        {e("items") ? (
                          <Text as="p" tone="critical">
                            {e("items")}
                          </Text>
                        ) : null}
                      </BlockStack>
                      <BlockStack gap="200">
                        <Text as="h3" variant="headingSm">
                          Who may buy, from when
                        </Text>
                        {r.stages.map((s, j) => (
                          <InlineGrid key={j} columns={{ xs: 1, sm: "2fr 2fr auto" }} gap="200" alignItems="end">
                            <Select
                              label="Who"
                              options={whoOptions}
                              value={s.who}
                              onChange={(who) => update(i, { stages: r.stages.map((x, k) => (k === j ? { ...x, who } : x)) })}
                              error={e(`stages.${j}.who`)}
                            />
                            <TextField
                              label="From (empty: now)"
                              type="date"
                              autoComplete="off"
                              value={s.from ?? ""}
                              onChange={(from) => update(i, { stages: r.stages.map((x, k) => (k === j ? { ...x, from: from || null } : x)) })}
                              error={e(`stages.${j}.from`)}
                            />
                            <Button disabled={r.stages.length === 1} onClick={() => update(i, { stages: r.stages.filter((_x, k) => k !== j) })} accessibilityLabel="Remove this audience">
                              Remove
                            </Button>
                          </InlineGrid>
                        ))}
                        {e("stages") ? (
                          <Text as="p" tone="critical">
                            {e("stages")}
                          </Text>
                        ) : null}
                        <InlineStack>
                          <Button variant="plain" onClick={() => update(i, { stages: [...r.stages, { who: tiers.at(-1)?.name ?? MEMBERS, from: null }] })}>
                            Add early access for a tier
                          </Button>
                        </InlineStack>
                      </BlockStack>
                      <TextField
                        label="Open to everyone from (optional)"
                        type="date"
                        autoComplete="off"
                        value={r.openFrom ?? ""}
                        onChange={(v) => update(i, { openFrom: v || null })}
                        error={e("openFrom")}
                        helpText="Leave empty to keep it for members only."
                      />
                    </BlockStack>
                  </Card>
                );
              })}
            </BlockStack>
          </Layout.Section>
        </Layout>
      </SaveBarForm>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
