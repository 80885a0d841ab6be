import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  DataTable,
  FormLayout,
  InlineGrid,
  InlineStack,
  Page,
  Pagination,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { ImportError, getImportPage, retryShopImport, saveShopImportSettings, startShopImport } from "../loyalty/import/admin.server";
import { FIELD_LABELS, IMPORT_FIELDS, SOURCE_NAMES, type ColumnMapping, type ImportField } from "../loyalty/import/layouts";
import { requireAdmin } from "../shopify/admin.server";
import { showToast } from "../components/showToast";

// One member import: map its columns and choose the modes, see the dry run's counts and every
// bad row, start it, and follow its progress (the page re-reads the import while a job runs,
// so the bar survives reloads). app/loyalty/import; docs/decisions/0019-member-import.md

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const page = Math.max(1, Math.min(100_000, Number(new URL(request.url).searchParams.get("page")) || 1));
  try {
    return await getImportPage(shop, params.id ?? "", page);
  } catch (error) {
    if (error instanceof ImportError) throw new Response(error.message, { status: 404 });
    throw error;
  }
};

export type ImportActionResult = { ok: true; message: string } | { ok: false; error: string };

export const action = async ({ request, params }: ActionFunctionArgs): Promise<ImportActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const id = params.id ?? "";
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "check") {
      await saveShopImportSettings(shop, id, { mapping: form.get("mapping"), source: form.get("source"), mode: form.get("mode"), tierMode: form.get("tierMode"), tierUntil: form.get("tierUntil") }, actor);
      return { ok: true, message: "Checking the file" };
    }
    if (intent === "start") {
      await startShopImport(shop, id, actor);
      return { ok: true, message: "Import started" };
    }
    if (intent === "retry") {
      await retryShopImport(shop, id, actor);
      return { ok: true, message: "Trying again" };
    }
    return { ok: false, error: "Unknown action" };
  } catch (error) {
    if (error instanceof ImportError) return { ok: false, error: error.message };
    throw error;
  }
};

const NOT_IMPORTED = "-";
const num = (n: number) => n.toLocaleString("en");

export default function ImportPage() {
  const { view, problems, tierNames } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<ImportActionResult>();
  const revalidator = useRevalidator();
  const navigate = useNavigate();
  const running = view.status === "checking" || view.status === "importing";

  // While a job runs, the page re-reads the import every 1.5 s: the bar is the database's, so it survives reloads.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState === "visible") revalidator.revalidate();
    }, 1500);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) showToast(fetcher.data.message);
  }, [fetcher.state, fetcher.data]);

  const editable = view.status === "uploaded" || view.status === "checked" || (view.status === "failed" && !view.counts?.rows);
  const [editing, setEditing] = useState(view.status === "uploaded");
  useEffect(() => setEditing(view.status === "uploaded"), [view.status]);

  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  const title = view.fileName;
  return (
    <Page
      title={title}
      titleMetadata={<StatusBadge status={view.status} />}
      subtitle={`From ${view.sourceName} · ${view.fileBytes < 1024 * 1024 ? `${Math.max(1, Math.round(view.fileBytes / 1024))} KB` : `${(view.fileBytes / 1024 / 1024).toFixed(1)} MB`}`}
      backAction={{ content: "Import members", url: "/app/members/import" }}
    >
      <BlockStack gap="400">
        {error ? (
          <Banner tone="critical" title="Not saved">
            {error}
          </Banner>
        ) : null}
        {view.sameFileDoneAt && view.status !== "done" ? (
          <Banner tone="info" title="This file was imported before">
            The same file (byte for byte) was imported on {new Date(view.sameFileDoneAt).toLocaleDateString("en", { dateStyle: "medium" })}. Importing it again changes no
            balance: its rows are already in the ledger.
          </Banner>
        ) : null}
        {view.status === "failed" ? (
          <Banner tone="critical" title={view.counts?.rows ? "The import stopped" : "The check stopped"} action={{ content: "Try again", onAction: () => fetcher.submit({ intent: "retry" }, { method: "post" }) }}>
            {view.lastError ?? "Unknown error"}. Rows already imported stay imported; trying again continues without doubling them.
          </Banner>
        ) : null}
        {running ? <Progress view={view} /> : null}
        {view.status === "done" && view.counts ? (
          <Banner tone="success" title="Import finished" action={{ content: "View members", onAction: () => navigate("/app/members") }}>
            {num(view.counts.newMembers)} new members and {num(view.counts.updated)} updated. {num(view.counts.unknown + view.counts.bad)} rows were not imported (listed below).
          </Banner>
        ) : null}
        {view.counts && view.status !== "checking" ? <DryRun view={view} busy={fetcher.state !== "idle"} onStart={() => fetcher.submit({ intent: "start" }, { method: "post" })} onEdit={editable ? () => setEditing(true) : undefined} /> : null}
        {editable && editing ? <Settings view={view} tierNames={tierNames} busy={fetcher.state !== "idle"} onSubmit={(data) => fetcher.submit({ intent: "check", ...data }, { method: "post" })} /> : null}
        {view.counts && problems.total > 0 ? <ProblemRows problems={problems} /> : null}
      </BlockStack>
    </Page>
  );
}

function StatusBadge({ status }: { status: string }) {
  const map: Record<string, [string, "success" | "attention" | "critical" | "info" | undefined]> = {
    uploaded: ["Needs mapping", "attention"],
    checking: ["Checking", "info"],
    checked: ["Ready to import", "attention"],
    importing: ["Importing", "info"],
    done: ["Imported", "success"],
    failed: ["Failed", "critical"],
  };
  const [label, tone] = map[status] ?? [status, undefined];
  return <Badge tone={tone}>{label}</Badge>;
}

type View = ReturnType<typeof useLoaderData<typeof loader>>["view"];

function Progress({ view }: { view: View }) {
  const checking = view.status === "checking";
  const total = Math.max(1, view.progress.total);
  const percent = Math.min(100, Math.round((view.progress.done / total) * 100));
  const phase =
    view.phase === "queued"
      ? "Waiting to start…"
      : checking
        ? view.phase === "matching"
          ? "Finding the customers in Shopify…"
          : `Reading the file… ${percent}%`
        : `${num(view.progress.done)} of ${num(view.progress.total)} members imported`;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {checking ? "Checking the file (nothing changes yet)" : "Importing"}
        </Text>
        <ProgressBar progress={checking && view.phase === "matching" ? 100 : percent} tone={checking ? "highlight" : "primary"} size="small" />
        <Text as="p" tone="subdued">
          {phase} You can leave this page: the import runs in the background.
        </Text>
      </BlockStack>
    </Card>
  );
}

function Count({ label, value, tone }: { label: string; value: number; tone?: "critical" | "caution" | "success" }) {
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200">
      <BlockStack gap="100">
        <Text as="span" tone="subdued" variant="bodySm">
          {label}
        </Text>
        <Text as="span" variant="headingLg" tone={value > 0 ? tone : undefined}>
          {num(value)}
        </Text>
      </BlockStack>
    </Box>
  );
}

function DryRun({ view, busy, onStart, onEdit }: { view: View; busy: boolean; onStart: () => void; onEdit?: () => void }) {
  const c = view.counts!;
  const changes = c.newMembers + c.updated;
  const mode = view.mode === "add" ? "Points are added to current balances" : "Balances are set to the file's points";
  const tiers =
    view.mapping.tier === undefined
      ? "The file has no tier column: Kanta's rules place members"
      : view.tierMode === "keep"
        ? `Tiers from the file are kept ${view.tierUntil ? `until ${new Date(view.tierUntil).toLocaleDateString("en", { dateStyle: "medium" })}` : "until you change them"}`
        : "Kanta's rules place members (the file's tiers are not used)";
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {view.status === "done" ? "Result" : "Dry run: what the import will do"}
          </Text>
          <Text as="span" tone="subdued">
            {num(c.rows)} rows
          </Text>
        </InlineStack>
        <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
          <Count label="New members" value={c.newMembers} tone="success" />
          <Count label="Updated" value={c.updated} tone="success" />
          <Count label="Unchanged" value={c.unchanged} />
          <Count label="Not in Shopify" value={c.unknown} tone="caution" />
          <Count label="Bad rows" value={c.bad} tone="critical" />
        </InlineGrid>
        <BlockStack gap="100">
          <Text as="p">{mode}. {tiers}.</Text>
          {c.unknown > 0 ? (
            <Text as="p" tone="subdued">
              Customers who are not in your Shopify store are not created: add them in Shopify first, then import their rows again.
            </Text>
          ) : null}
        </BlockStack>
        {view.status === "checked" ? (
          <InlineStack align="end" gap="200">
            {onEdit ? <Button onClick={onEdit}>Change mapping</Button> : null}
            <Button variant="primary" onClick={onStart} loading={busy} disabled={changes === 0}>
              {changes === 0 ? "Nothing to import" : `Import ${num(changes)} members`}
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function Settings({ view, tierNames, busy, onSubmit }: { view: View; tierNames: string[]; busy: boolean; onSubmit: (data: Record<string, string>) => void }) {
  const [mapping, setMapping] = useState<ColumnMapping>(view.mapping);
  const [source, setSource] = useState(view.source);
  const [mode, setMode] = useState(view.mode);
  const [tierMode, setTierMode] = useState(view.tierMode);
  const [until, setUntil] = useState("");
  const columns = [{ label: "Not imported", value: NOT_IMPORTED }, ...view.headers.map((h, i) => ({ label: `${h}${view.sample[0]?.[i] ? ` (e.g. ${view.sample[0][i]})` : ""}`, value: String(i) }))];
  // Names are shown, never matched on: the four fields that matter are mapped here.
  const fields: ImportField[] = IMPORT_FIELDS.slice(0, 4);
  const set = (field: ImportField, value: string) => setMapping((m) => {
    const next = { ...m };
    if (value === NOT_IMPORTED) delete next[field];
    else next[field] = Number(value);
    return next;
  });
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Columns
          </Text>
          <Text as="p" tone="subdued">
            {view.source === "other" ? "Kanta didn't recognise this layout: choose the columns." : `Recognised as a ${SOURCE_NAMES[view.source as keyof typeof SOURCE_NAMES]} file. Check the columns below.`}
          </Text>
        </BlockStack>
        <FormLayout>
          <FormLayout.Group>
            {fields.map((field) => (
              <Select key={field} label={FIELD_LABELS[field]} options={columns} value={mapping[field] === undefined ? NOT_IMPORTED : String(mapping[field])} onChange={(v) => set(field, v)} />
            ))}
          </FormLayout.Group>
          <Select
            label="Source (named in each member's points history)"
            options={Object.entries(SOURCE_NAMES).map(([value, label]) => ({ value, label: value === "other" ? "Another app" : label }))}
            value={source}
            onChange={setSource}
          />
        </FormLayout>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <ChoiceList
            title="Points"
            choices={[
              { label: "Set balances to the file's points", value: "set", helpText: "Moving from another app: members end with exactly the file's balance." },
              { label: "Add the file's points to current balances", value: "add", helpText: "Giving points: each row's points are added." },
            ]}
            selected={[mode]}
            onChange={(v) => setMode(v[0] ?? "set")}
          />
          <BlockStack gap="200">
            <ChoiceList
              title="Tiers"
              choices={[
                { label: "Keep the file's tier until the next tier review", value: "keep", helpText: tierNames.length ? `Tier names must be the program's: ${tierNames.join(", ")}.` : undefined },
                { label: "Place members by Kanta's tier rules", value: "rules" },
              ]}
              selected={[tierMode]}
              onChange={(v) => setTierMode(v[0] ?? "keep")}
            />
            {tierMode === "keep" ? <TextField label="Or keep them until (optional)" type="date" value={until} onChange={setUntil} autoComplete="off" /> : null}
          </BlockStack>
        </InlineGrid>
        <InlineStack align="end">
          <Button variant="primary" loading={busy} onClick={() => onSubmit({ mapping: JSON.stringify(mapping), source, mode, tierMode, tierUntil: until })}>
            Check file
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function ProblemRows({ problems }: { problems: ReturnType<typeof useLoaderData<typeof loader>>["problems"] }) {
  const navigate = useNavigate();
  return (
    <Card padding="0">
      <Box padding="400">
        <Text as="h2" variant="headingMd">
          Rows not imported ({num(problems.total)})
        </Text>
      </Box>
      <DataTable
        columnContentTypes={["numeric", "text", "text"]}
        headings={["Line", "Customer", "Reason"]}
        rows={problems.rows.map((r) => [r.line, r.email ?? r.customerGid?.replace("gid://shopify/Customer/", "ID ") ?? "", r.error ?? ""])}
        truncate
      />
      <Box padding="300">
        <InlineStack align="center">
          <Pagination
            hasPrevious={problems.page > 1}
            hasNext={problems.page < problems.pages}
            onPrevious={() => navigate(`?page=${problems.page - 1}`, { preventScrollReset: true })}
            onNext={() => navigate(`?page=${problems.page + 1}`, { preventScrollReset: true })}
            label={`Page ${problems.page} of ${problems.pages}`}
          />
        </InlineStack>
      </Box>
    </Card>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
