import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { Form, useFetcher, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Banner,
  EmptyState,
  FormLayout,
  IndexTable,
  Modal,
  InlineStack,
  Link,
  Page,
  Select,
  Text,
  TextField,
  useIndexResourceState,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  AdjustError,
  bulkAdjustPoints,
  bulkSetExcluded,
  parseBulkIds,
} from "../loyalty/members/admin.server";
import {
  MEMBER_SORTS,
  MEMBER_STATUSES,
  listMembers,
  listShopTiers,
} from "../loyalty/members/list.server";
import { showToast } from "../components/showToast";
import { ByWidth } from "../components/ByWidth";
import { MembersExportModal } from "../components/MembersExportModal";
import { requireAdmin } from "../shopify/admin.server";

// Built on call, not at module level: the browser bundle gets empty .server modules.
function listParamsSchema() {
  const optionalInt = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.coerce.number().int().optional()).catch(undefined);
  return z.object({
    q: z.string().max(200).optional().catch(undefined),
    tier: z.string().max(50).optional().catch(undefined),
    status: z.enum(MEMBER_STATUSES).optional().catch(undefined),
    sort: z.enum(MEMBER_SORTS).catch("points"),
    dir: z.enum(["asc", "desc"]).catch("desc"),
    min: optionalInt,
    max: optionalInt,
    cursor: z.string().max(500).optional().catch(undefined),
  });
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const url = new URL(request.url);
  const params = listParamsSchema().parse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== "")));
  const [page, tiers] = await Promise.all([
    listMembers(shop, {
      query: params.q,
      tier: params.tier,
      status: params.status,
      minPoints: params.min,
      maxPoints: params.max,
      sort: params.sort,
      direction: params.dir,
      cursor: params.cursor,
    }),
    listShopTiers(shop),
  ]);
  const filtered = Boolean(params.q || params.tier || params.status || params.min !== undefined || params.max !== undefined);
  return { ...page, tiers, filtered };
};

export type BulkActionResult =
  | { ok: true; message: string }
  | { ok: false; errors: Partial<Record<"points" | "reason" | "form", string>> };

/** Bulk actions on the selected members: add or remove points, exclude, include. */
export const action = async ({ request }: ActionFunctionArgs): Promise<BulkActionResult> => {
  const { shop, staff, actor } = await requireAdmin(request);
  const form = await request.formData();
  const ids = parseBulkIds(form.get("ids"));
  if (!ids.ok) return { ok: false, errors: { form: ids.message } };
  const intent = String(form.get("intent") ?? "");
  const many = (n: number) => `${n.toLocaleString("en")} ${n === 1 ? "member" : "members"}`;
  if (intent === "exclude" || intent === "include") {
    const changed = await bulkSetExcluded(shop, ids.ids, intent === "exclude", undefined, actor);
    return { ok: true, message: `${intent === "exclude" ? "Excluded" : "Included"} ${many(changed)}` };
  }
  if (intent !== "adjust") return { ok: false, errors: { form: "Unknown action" } };
  try {
    const result = await bulkAdjustPoints({
      shopDomain: shop,
      memberIds: ids.ids,
      points: form.get("points"),
      reason: form.get("reason"),
      requestId: form.get("requestId"),
      staff,
      actor,
    });
    const points = Number(form.get("points"));
    const verb = points > 0 ? `Added ${Math.abs(points).toLocaleString("en")} points to` : `Removed ${Math.abs(points).toLocaleString("en")} points from`;
    const done = result.adjusted + result.replayed;
    return {
      ok: true,
      message: `${verb} ${many(done)}${result.skipped.length ? `; ${many(result.skipped.length)} skipped (not enough points)` : ""}`,
    };
  } catch (error) {
    if (error instanceof AdjustError) return { ok: false, errors: { [error.field ?? "form"]: error.message } };
    throw error;
  }
};

function newRequestId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

const SORT_OPTIONS = [
  { label: "Most points", value: "points:desc" },
  { label: "Fewest points", value: "points:asc" },
  { label: "Recently active", value: "lastActivity:desc" },
  { label: "Least recently active", value: "lastActivity:asc" },
  { label: "Newest members", value: "enrolled:desc" },
];

export default function Members() {
  const { rows, nextCursor, previousCursor, tiers, filtered, timezone } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  const bulk = useFetcher<typeof action>();
  const [adjustOpen, setAdjustOpen] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const [bulkPoints, setBulkPoints] = useState("");
  const [bulkReason, setBulkReason] = useState("");
  const [requestId, setRequestId] = useState("");
  const bulkErrors = bulk.state === "idle" && bulk.data && !bulk.data.ok ? bulk.data.errors : {};
  useEffect(() => {
    if (bulk.state !== "idle" || !bulk.data) return;
    if (bulk.data.ok) {
      showToast(bulk.data.message);
      setAdjustOpen(false);
      clearSelection();
    } else if (bulk.data.errors.form) {
      showToast(bulk.data.errors.form, true);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs once per result; clearSelection changes identity with the rows and would repeat the toast
  }, [bulk.state, bulk.data]);
  const submitBulk = (intent: string, extra: Record<string, string> = {}) =>
    bulk.submit({ intent, ids: JSON.stringify(selectedResources), ...extra }, { method: "post" });
  const openAdjust = () => {
    setBulkPoints("");
    setBulkReason("");
    setRequestId(newRequestId());
    setAdjustOpen(true);
  };
  const [query, setQuery] = useState(searchParams.get("q") ?? "");
  const [minPoints, setMinPoints] = useState(searchParams.get("min") ?? "");
  const [maxPoints, setMaxPoints] = useState(searchParams.get("max") ?? "");
  useEffect(() => {
    setQuery(searchParams.get("q") ?? "");
    setMinPoints(searchParams.get("min") ?? "");
    setMaxPoints(searchParams.get("max") ?? "");
  }, [searchParams]);
  const rangeError =
    minPoints !== "" && maxPoints !== "" && Number(minPoints) > Number(maxPoints) ? "Minimum is above maximum" : undefined;

  /** Changes filters or sort: back to the first page. */
  const apply = (changes: Record<string, string>) => {
    const next = new URLSearchParams(searchParams);
    next.delete("cursor");
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    navigate(`?${next}`, { replace: true });
  };
  const goTo = (cursor: string) => {
    const next = new URLSearchParams(searchParams);
    next.set("cursor", cursor);
    navigate(`?${next}`);
  };

  const number = new Intl.NumberFormat("en");
  const date = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: timezone });
  const sortValue = `${searchParams.get("sort") ?? "points"}:${searchParams.get("dir") ?? "desc"}`;
  const exportFilter = new URLSearchParams(["q", "tier", "status", "min", "max"].flatMap((k) => (searchParams.get(k) ? [[k, searchParams.get(k)!]] : []))).toString();

  const filters = (
    <Form
      method="get"
      onSubmit={(event) => {
        event.preventDefault();
        if (!rangeError) apply({ q: query.trim(), min: minPoints.trim(), max: maxPoints.trim() });
      }}
    >
      <Box padding="300">
        <InlineStack gap="200" wrap blockAlign="end">
          <div style={{ flex: "1 1 240px" }}>
            <TextField
              label="Search members"
              labelHidden
              name="q"
              placeholder="Search by name or email"
              autoComplete="off"
              value={query}
              onChange={setQuery}
              clearButton
              onClearButtonClick={() => apply({ q: "" })}
            />
          </div>
          <Select
            label="Tier"
            labelInline
            options={[{ label: "All", value: "" }, ...tiers.map((t) => ({ label: t.name, value: t.id }))]}
            value={searchParams.get("tier") ?? ""}
            onChange={(tier) => apply({ tier })}
          />
          <Select
            label="Status"
            labelInline
            options={[
              { label: "All", value: "" },
              { label: "Active", value: "active" },
              { label: "Excluded", value: "excluded" },
            ]}
            value={searchParams.get("status") ?? ""}
            onChange={(status) => apply({ status })}
          />
          <InlineStack gap="100" blockAlign="start">
            <div style={{ width: 110 }}>
              <TextField
                label="Minimum points"
                labelHidden
                name="min"
                type="number"
                min={0}
                placeholder="Min pts"
                autoComplete="off"
                value={minPoints}
                onChange={setMinPoints}
                error={rangeError}
              />
            </div>
            <div style={{ width: 110 }}>
              <TextField
                label="Maximum points"
                labelHidden
                name="max"
                type="number"
                min={0}
                placeholder="Max pts"
                autoComplete="off"
                value={maxPoints}
                onChange={setMaxPoints}
              />
            </div>
            <Button submit>Filter</Button>
          </InlineStack>
          <Select
            label="Sort"
            labelInline
            options={SORT_OPTIONS}
            value={SORT_OPTIONS.some((o) => o.value === sortValue) ? sortValue : "points:desc"}
            onChange={(value) => {
              const [sort, dir] = value.split(":");
              apply({ sort: sort!, dir: dir! });
            }}
          />
        </InlineStack>
      </Box>
    </Form>
  );

  const table = (smDown: boolean) => (
    <IndexTable
      resourceName={{ singular: "member", plural: "members" }}
      itemCount={rows.length}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      promotedBulkActions={[{ content: "Add or remove points", onAction: openAdjust }]}
      bulkActions={[
        { content: "Exclude from the program", onAction: () => submitBulk("exclude") },
        { content: "Include in the program", onAction: () => submitBulk("include") },
      ]}
      condensed={smDown}
      loading={navigation.state === "loading" || bulk.state !== "idle"}
      headings={[
        { title: "Member" },
        { title: "Tier" },
        { title: "Points", alignment: "end" },
        { title: "Pending", alignment: "end" },
        { title: "Last activity" },
        { title: "Status" },
      ]}
      pagination={
        nextCursor || previousCursor
          ? {
              hasNext: Boolean(nextCursor),
              hasPrevious: Boolean(previousCursor),
              onNext: () => nextCursor && goTo(nextCursor),
              onPrevious: () => previousCursor && goTo(previousCursor),
            }
          : undefined
      }
    >
      {rows.map((m, index) => {
        const name = (
          <Link url={`/app/members/${m.id}`} removeUnderline monochrome dataPrimaryLink>
            <Text as="span" fontWeight="semibold">
              {m.name}
            </Text>
          </Link>
        );
        const tier = m.tier ? <Badge tone={m.tier.rank > 0 ? "info" : undefined}>{m.tier.name}</Badge> : <Text as="span" tone="subdued">—</Text>;
        const status = m.status === "active" ? <Badge tone="success">Active</Badge> : <Badge tone="critical">Excluded</Badge>;
        if (smDown) {
          // Phones: one stacked cell per member instead of a sideways-scrolling table.
          return (
            <IndexTable.Row id={m.id} key={m.id} position={index} selected={selectedResources.includes(m.id)} onClick={() => navigate(`/app/members/${m.id}`)}>
              <div style={{ padding: "var(--p-space-300) var(--p-space-400)" }}>
                <BlockStack gap="100">
                  <InlineStack align="space-between" blockAlign="start" wrap={false} gap="200">
                    {name}
                    <Text as="span" numeric fontWeight="semibold">
                      {`${number.format(m.points)} pts`}
                    </Text>
                  </InlineStack>
                  <InlineStack gap="200" blockAlign="center">
                    {tier}
                    {m.status !== "active" ? status : null}
                    {m.pendingPoints !== 0 ? (
                      <Text as="span" tone="subdued" variant="bodySm">
                        {`${number.format(m.pendingPoints)} pending`}
                      </Text>
                    ) : null}
                  </InlineStack>
                  <Text as="span" tone="subdued" variant="bodySm">
                    {`${m.email ?? ""}${m.email ? " · " : ""}active ${date.format(new Date(m.lastActivityAt))}`}
                  </Text>
                </BlockStack>
              </div>
            </IndexTable.Row>
          );
        }
        return (
          <IndexTable.Row id={m.id} key={m.id} position={index} selected={selectedResources.includes(m.id)} onClick={() => navigate(`/app/members/${m.id}`)}>
            <IndexTable.Cell>
              <BlockStack gap="050">
                {name}
                {m.email ? (
                  <Text as="span" tone="subdued" variant="bodySm">
                    {m.email}
                  </Text>
                ) : null}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>{tier}</IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric fontWeight="semibold">
                {number.format(m.points)}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric tone="subdued">
                {number.format(m.pendingPoints)}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>{date.format(new Date(m.lastActivityAt))}</IndexTable.Cell>
            <IndexTable.Cell>{status}</IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );
  return (
    <Page
      title="Members"
      subtitle="Everyone in your loyalty program, with their points and tier"
      secondaryActions={[
        { content: "Import members", url: "/app/members/import" },
        { content: "Export", onAction: () => setExportOpen(true) },
        { content: "Activity log", url: "/app/activity" },
      ]}
    >
      <Card padding="0">
        <BlockStack>
          {filters}
          {rows.length === 0 ? (
            filtered ? (
              <EmptyState heading="No members match" image="" action={{ content: "Clear filters", onAction: () => navigate("?", { replace: true }) }}>
                <p>Try another name or email, or remove a filter.</p>
              </EmptyState>
            ) : (
              <EmptyState heading="No members yet" image="" action={{ content: "Go to Home", url: "/app" }}>
                <p>Customers become members when they create an account or place their first order. Check that your program is live on Home.</p>
              </EmptyState>
            )
          ) : (
            <ByWidth narrow={table(true)} wide={table(false)} />
          )}
        </BlockStack>
      </Card>
      <MembersExportModal open={exportOpen} onClose={() => setExportOpen(false)} filtered={filtered} filterQuery={exportFilter} />
      <Modal
        open={adjustOpen}
        onClose={() => setAdjustOpen(false)}
        title={`Add or remove points for ${selectedResources.length.toLocaleString("en")} ${selectedResources.length === 1 ? "member" : "members"}`}
        primaryAction={{
          content: "Save adjustment",
          loading: bulk.state !== "idle",
          onAction: () => submitBulk("adjust", { points: bulkPoints, reason: bulkReason, requestId }),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setAdjustOpen(false) }]}
      >
        <Modal.Section>
          <FormLayout>
            {bulkErrors.form ? <Banner tone="critical">{bulkErrors.form}</Banner> : null}
            <TextField
              label="Points"
              type="number"
              autoComplete="off"
              value={bulkPoints}
              onChange={setBulkPoints}
              error={bulkErrors.points}
              helpText="Use a negative number to remove points. Members without enough points are skipped."
            />
            <TextField
              label="Reason"
              autoComplete="off"
              value={bulkReason}
              onChange={setBulkReason}
              error={bulkErrors.reason}
              helpText="Shown in each member's points history, with your name."
            />
          </FormLayout>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
