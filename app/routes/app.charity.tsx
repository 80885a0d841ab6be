import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Button, ButtonGroup, Card, Checkbox, DataTable, EmptyState, FormLayout, InlineStack, Layout, Modal, Page, Text, TextField } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useState } from "react";
import { CsvDownloadProgress, useCsvDownload } from "../components/CsvDownload";
import { CharityAdminError, deleteCause, loadCharityPage, saveCause, saveCharityRate } from "../loyalty/charity/admin.server";
import { parseLedgerRange } from "../loyalty/export/csv";
import { formatMoney } from "../loyalty/ledger/money";
import { requireAdmin } from "../shopify/admin.server";

// Charity (0037): the causes members can give points to, the rate (points per whole unit of
// the shop currency), and what was given per cause and month for a date range, with CSV exports.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const url = new URL(request.url);
  const range = url.searchParams.has("from") ? parseLedgerRange(url.searchParams) : null;
  const page = await loadCharityPage(shop, range?.ok ? range : null);
  return { ...page, rangeError: range && !range.ok ? range.message : null };
};

export type CharityActionResult = { ok: true; message: string } | { ok: false; message: string; errors: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs): Promise<CharityActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = Object.fromEntries(await request.formData());
  try {
    if (form.intent === "rate") {
      await saveCharityRate(shop, form, undefined, actor);
      return { ok: true, message: "Rate saved" };
    }
    if (form.intent === "cause") {
      await saveCause(shop, form.causeId ? String(form.causeId) : null, form, undefined, actor);
      return { ok: true, message: form.causeId ? "Cause saved" : "Cause added" };
    }
    if (form.intent === "delete") {
      const outcome = await deleteCause(shop, String(form.causeId ?? ""), undefined, actor);
      return { ok: true, message: outcome === "deleted" ? "Cause deleted" : "Cause turned off: members gave to it, so its totals are kept" };
    }
    return { ok: false, message: "Unknown action", errors: {} };
  } catch (error) {
    if (error instanceof CharityAdminError) return { ok: false, message: error.message, errors: error.fieldErrors };
    throw error;
  }
};

type Cause = { id: string; name: string; description: string; enabled: boolean; donations: number };

function CauseModal({ cause, onClose }: { cause: Cause | "new"; onClose: () => void }) {
  const fetcher = useFetcher<typeof action>();
  const shopify = useAppBridge();
  const editing = cause === "new" ? null : cause;
  const [name, setName] = useState(editing?.name ?? "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const [enabled, setEnabled] = useState(editing?.enabled ?? true);
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    shopify.toast.show(fetcher.data.message, { isError: !fetcher.data.ok });
    if (fetcher.data.ok) onClose();
  }, [fetcher.state, fetcher.data, onClose, shopify]);
  const save = () => fetcher.submit({ intent: "cause", causeId: editing?.id ?? "", name, description, enabled: String(enabled) }, { method: "post" });
  return (
    <Modal open onClose={onClose} title={editing ? `Edit ${editing.name}` : "Add a cause"} primaryAction={{ content: "Save", onAction: save, loading: fetcher.state !== "idle" }} secondaryActions={[{ content: "Cancel", onAction: onClose }]}>
      <Modal.Section>
        <FormLayout>
          <TextField label="Name" value={name} onChange={setName} autoComplete="off" maxLength={100} error={errors.name} helpText="Shoppers see it in the rewards panel." />
          <TextField label="Description" value={description} onChange={setDescription} autoComplete="off" multiline={3} maxLength={500} error={errors.description} />
          <Checkbox label="Members can give to this cause" checked={enabled} onChange={setEnabled} />
        </FormLayout>
      </Modal.Section>
    </Modal>
  );
}

export default function Charity() {
  const data = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const fetcher = useFetcher<typeof action>();
  const download = useCsvDownload();
  const [rate, setRate] = useState(data.pointsPerUnit === null ? "" : String(data.pointsPerUnit));
  const [editing, setEditing] = useState<Cause | "new" | null>(null);
  const [from, setFrom] = useState(data.range.from);
  const [to, setTo] = useState(data.range.to);
  const money = (minor: number) => formatMoney(minor, data.currencyCode, "en");
  const number = new Intl.NumberFormat("en");

  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) shopify.toast.show(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.state, fetcher.data, shopify]);

  const rateError = fetcher.data && !fetcher.data.ok ? fetcher.data.errors.pointsPerUnit : undefined;
  const range = `from=${data.range.from}&to=${data.range.to}`;

  return (
    <Page
      title="Charity"
      subtitle="Members give points to the causes you list; you pass the money on."
      primaryAction={{ content: "Add cause", onAction: () => setEditing("new") }}
      secondaryActions={[
        { content: "Export donations", loading: download.state.running, onAction: () => void download.start(`/app/export/donations?${range}`) },
        { content: "Export totals", onAction: () => void download.start(`/app/export/donation-totals?${range}`) },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <CsvDownloadProgress state={download.state} />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Rate
                </Text>
                <InlineStack gap="300" blockAlign="end" wrap>
                  <div style={{ maxWidth: 260 }}>
                    <TextField label="Points for one whole unit donated" type="number" min={1} value={rate} onChange={setRate} autoComplete="off" suffix={`points = 1 ${data.currencyCode}`} error={rateError} />
                  </div>
                  <Button variant="primary" loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "rate"} onClick={() => fetcher.submit({ intent: "rate", pointsPerUnit: rate }, { method: "post" })}>
                    Save rate
                  </Button>
                </InlineStack>
                {data.pointsPerUnit === null ? (
                  <Text as="p" tone="subdued">
                    Set a rate to show causes in the rewards panel.
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
            <Card padding="0">
              {data.causes.length === 0 ? (
                <EmptyState heading="List the causes members can support" action={{ content: "Add cause", onAction: () => setEditing("new") }} image="">
                  <p>Members then choose a cause and an amount in the rewards panel; their points pay for it.</p>
                </EmptyState>
              ) : (
                <BlockStack>
                  {data.causes.map((c) => (
                    <div key={c.id} style={{ padding: "12px 16px", borderBottom: "1px solid var(--p-color-border-secondary)" }}>
                      <InlineStack align="space-between" blockAlign="center" gap="300" wrap>
                        <BlockStack gap="050">
                          <InlineStack gap="200" blockAlign="center">
                            <Text as="span" fontWeight="semibold">
                              {c.name}
                            </Text>
                            {c.enabled ? <Badge tone="success">Active</Badge> : <Badge>Off</Badge>}
                          </InlineStack>
                          {c.description ? (
                            <Text as="span" tone="subdued" variant="bodySm">
                              {c.description}
                            </Text>
                          ) : null}
                          <Text as="span" tone="subdued" variant="bodySm">
                            {c.donations === 1 ? "1 donation" : `${number.format(c.donations)} donations`}
                          </Text>
                        </BlockStack>
                        <ButtonGroup noWrap>
                          <Button size="slim" onClick={() => setEditing(c)} accessibilityLabel={`Edit ${c.name}`}>
                            Edit
                          </Button>
                          <Button size="slim" variant="tertiary" tone="critical" onClick={() => fetcher.submit({ intent: "delete", causeId: c.id }, { method: "post" })} accessibilityLabel={`Delete ${c.name}`}>
                            Delete
                          </Button>
                        </ButtonGroup>
                      </InlineStack>
                    </div>
                  ))}
                </BlockStack>
              )}
            </Card>
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  Given
                </Text>
                <Form method="get">
                  <InlineStack gap="300" blockAlign="end" wrap>
                    <TextField label="From" type="date" name="from" value={from} onChange={setFrom} autoComplete="off" error={data.rangeError ?? undefined} />
                    <TextField label="To" type="date" name="to" value={to} onChange={setTo} autoComplete="off" />
                    <Button submit>Show</Button>
                  </InlineStack>
                </Form>
                {data.byCause.length === 0 ? (
                  <Text as="p" tone="subdued">
                    Nothing given in this period yet.
                  </Text>
                ) : (
                  <>
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                      headings={["Cause", "Donations", "Points", "Amount"]}
                      rows={data.byCause.map((t) => [t.causeName, number.format(t.donations), number.format(t.points), money(t.amountMinor)])}
                      totals={["", number.format(data.byCause.reduce((s, t) => s + t.donations, 0)), number.format(data.byCause.reduce((s, t) => s + t.points, 0)), money(data.byCause.reduce((s, t) => s + t.amountMinor, 0))]}
                      showTotalsInFooter
                    />
                    <Text as="h3" variant="headingSm">
                      By month
                    </Text>
                    <DataTable
                      columnContentTypes={["text", "text", "numeric", "numeric"]}
                      headings={["Month", "Cause", "Donations", "Amount"]}
                      rows={data.byMonth.map((t) => [t.month ?? "", t.causeName, number.format(t.donations), money(t.amountMinor)])}
                    />
                  </>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
      {editing ? <CauseModal cause={editing} onClose={() => setEditing(null)} /> : null}
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
