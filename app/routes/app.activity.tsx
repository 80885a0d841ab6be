import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, DataTable, EmptyState, IndexTable, InlineStack, Link, Modal, Page, Select, Tag, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AUDIT_ACTIONS, AUDIT_SUBJECT_TYPES } from "../loyalty/audit/audit";
import { listAuditActors, listAuditEvents, parseAuditFilters, type AuditRowView } from "../loyalty/audit/log.server";
import { ByWidth } from "../components/ByWidth";
import { CsvDownloadProgress, useCsvDownload } from "../components/CsvDownload";
import { requireAdmin } from "../shopify/admin.server";

// The Activity log: what staff changed, newest first, filtered by action, staff member,
// subject and dates; each row opens its before → after. Keyset pages (fast on a million rows).

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const url = new URL(request.url);
  const filters = parseAuditFilters(url.searchParams);
  const [page, actors] = await Promise.all([listAuditEvents(shop, filters, url.searchParams.get("cursor")), listAuditActors(shop)]);
  return { ...page, actors, filters, paged: url.searchParams.has("cursor") };
};

const GROUP_LABELS: Record<string, string> = {
  member: "Members",
  members: "Members",
  earn_rule: "Ways to earn",
  campaign: "Campaigns",
  reward: "Rewards",
  tiers: "VIP tiers",
  program: "Program",
  referral: "Referrals",
  data_request: "Data requests",
  attention: "Needs attention",
  export: "Exports",
};

/** The action filter: each group ("All reward changes") then its actions. */
function actionOptions() {
  const groups = new Map<string, { label: string; value: string }[]>();
  for (const [value, label] of Object.entries(AUDIT_ACTIONS)) {
    const group = value.split(".")[0]!;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push({ label: `  ${label}`, value });
  }
  const options: { label: string; value: string }[] = [{ label: "All actions", value: "" }];
  for (const [group, actions] of groups) {
    options.push({ label: `All: ${GROUP_LABELS[group] ?? group}`, value: group }, ...actions);
  }
  return options;
}

function subjectUrl(row: AuditRowView): string | null {
  if (!row.subjectId) return null;
  switch (row.subjectType) {
    case "member":
      return `/app/members/${row.subjectId}`;
    case "reward":
      return row.action === "reward.deleted" ? null : `/app/rewards/${row.subjectId}`;
    case "earn_rule":
      return row.action === "earn_rule.deleted" ? null : `/app/earn/${row.subjectId}`;
    case "campaign":
      return row.action === "campaign.deleted" ? null : `/app/earn/campaigns/${row.subjectId}`;
    default:
      return null;
  }
}

function summary(row: AuditRowView): string {
  if (row.changes.length === 0) return row.note ?? "";
  const created = row.changes.every((c) => c.before === "—");
  const deleted = row.changes.every((c) => c.after === "—");
  const shown = row.changes.slice(0, 2).map((c) => (created ? `${c.field}: ${c.after}` : deleted ? `was ${c.field}: ${c.before}` : `${c.field}: ${c.before} → ${c.after}`));
  return shown.join(" · ") + (row.changes.length > 2 ? ` · +${row.changes.length - 2} more` : "");
}

export default function ActivityLog() {
  const { rows, nextCursor, actors, filters, paged, timezone } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [from, setFrom] = useState(filters.from ?? "");
  const [to, setTo] = useState(filters.to ?? "");
  const [open, setOpen] = useState<AuditRowView | null>(null);
  const download = useCsvDownload();
  useEffect(() => {
    setFrom(filters.from ?? "");
    setTo(filters.to ?? "");
  }, [filters.from, filters.to]);
  const apply = (changes: Record<string, string>) => {
    const next = new URLSearchParams(searchParams);
    next.delete("cursor");
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    navigate(`?${next}`, { replace: true });
  };
  const filterQuery = () => {
    const next = new URLSearchParams(searchParams);
    next.delete("cursor");
    return next.toString();
  };
  const dateError = from && to && from > to ? "The start date must be on or before the end date" : undefined;
  const time = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: timezone });
  const anyFilter = Boolean(filters.action || filters.actorId || filters.subjectId || filters.subjectType || filters.from || filters.to);
  const subjectTag = filters.subjectId ? (
    <Tag onRemove={() => apply({ subject: "", subjectType: "" })}>{`${filters.subjectType ? (AUDIT_SUBJECT_TYPES as Record<string, string>)[filters.subjectType] ?? filters.subjectType : "Subject"}: ${rows.find((r) => r.subjectId === filters.subjectId)?.subjectLabel ?? filters.subjectId}`}</Tag>
  ) : null;

  const filterBar = (
    <Form
      method="get"
      onSubmit={(event) => {
        event.preventDefault();
        if (!dateError) apply({ from, to });
      }}
    >
      <Box padding="300">
        <BlockStack gap="200">
          <InlineStack gap="200" wrap blockAlign="end">
            <Select label="Action" labelInline options={actionOptions()} value={filters.action ?? ""} onChange={(action) => apply({ action })} />
            <Select
              label="Staff"
              labelInline
              options={[{ label: "Everyone", value: "" }, ...actors.map((a) => ({ label: a.label, value: a.id }))]}
              value={filters.actorId ?? ""}
              onChange={(actor) => apply({ actor })}
            />
            <div style={{ display: "flex", flexWrap: "wrap", gap: "var(--p-space-100)", alignItems: "flex-start", flex: "1 1 420px", maxWidth: 480 }}>
              <div style={{ flex: "1 1 170px" }}>
                <TextField label="From" labelHidden prefix="From" type="date" autoComplete="off" value={from} onChange={setFrom} error={dateError} />
              </div>
              <div style={{ flex: "1 1 170px" }}>
                <TextField label="To" labelHidden prefix="To" type="date" autoComplete="off" value={to} onChange={setTo} />
              </div>
              <Button submit>Apply</Button>
            </div>
          </InlineStack>
          {subjectTag || anyFilter ? (
            <InlineStack gap="200" blockAlign="center">
              {subjectTag}
              {anyFilter ? (
                <Button variant="plain" onClick={() => navigate("?", { replace: true })}>
                  Clear all filters
                </Button>
              ) : null}
            </InlineStack>
          ) : null}
        </BlockStack>
      </Box>
    </Form>
  );

  const subject = (row: AuditRowView) => {
    const label = row.subjectLabel ?? (row.subjectType === "member" ? "Erased customer" : row.subjectTypeLabel);
    const url = subjectUrl(row);
    return url ? (
      <Link url={url} removeUnderline>
        {label}
      </Link>
    ) : (
      <Text as="span">{label}</Text>
    );
  };

  const table = (narrow: boolean) => (
    <IndexTable
      resourceName={{ singular: "event", plural: "events" }}
      itemCount={rows.length}
      selectable={false}
      condensed={narrow}
      loading={navigation.state === "loading"}
      headings={[{ title: "When" }, { title: "Staff" }, { title: "Action" }, { title: "About" }, { title: "Change" }]}
      pagination={
        nextCursor || paged
          ? {
              hasNext: Boolean(nextCursor),
              hasPrevious: paged,
              onNext: () => {
                const next = new URLSearchParams(searchParams);
                next.set("cursor", nextCursor!);
                navigate(`?${next}`);
              },
              onPrevious: () => navigate(-1),
            }
          : undefined
      }
    >
      {rows.map((row, index) =>
        narrow ? (
          <IndexTable.Row id={row.id} key={row.id} position={index} onClick={() => setOpen(row)}>
            <div style={{ padding: "var(--p-space-300) var(--p-space-400)" }}>
              <BlockStack gap="100">
                <InlineStack align="space-between" wrap={false} gap="200">
                  {/* A real control for the detail: phones have no hover, and the row's own click is not a button to assistive technology. */}
                  <Link onClick={() => setOpen(row)} removeUnderline monochrome dataPrimaryLink>
                    <Text as="span" fontWeight="semibold">
                      {row.actionLabel}
                    </Text>
                  </Link>
                  <Text as="span" tone="subdued" variant="bodySm">
                    {time.format(new Date(row.at))}
                  </Text>
                </InlineStack>
                <Text as="span">{row.subjectLabel ?? row.subjectTypeLabel}</Text>
                <Text as="span" tone="subdued" variant="bodySm" breakWord>
                  {`${row.actor}${summary(row) ? ` · ${summary(row)}` : ""}`}
                </Text>
              </BlockStack>
            </div>
          </IndexTable.Row>
        ) : (
          <IndexTable.Row id={row.id} key={row.id} position={index} onClick={() => setOpen(row)}>
            <IndexTable.Cell>{time.format(new Date(row.at))}</IndexTable.Cell>
            <IndexTable.Cell>{row.actor}</IndexTable.Cell>
            <IndexTable.Cell>
              <Badge tone={row.action.endsWith("deleted") || row.action.endsWith("rejected") ? "critical" : row.action.startsWith("export") || row.action.startsWith("data_request") ? "attention" : undefined}>
                {row.actionLabel}
              </Badge>
            </IndexTable.Cell>
            <IndexTable.Cell>{subject(row)}</IndexTable.Cell>
            <IndexTable.Cell>
              <div style={{ maxWidth: 360, whiteSpace: "normal" }}>
                <Text as="span" tone="subdued" breakWord>
                  {summary(row)}
                </Text>
              </div>
            </IndexTable.Cell>
          </IndexTable.Row>
        ),
      )}
    </IndexTable>
  );

  return (
    <Page
      title="Activity log"
      subtitle="What your staff changed in Kanta: points, tiers, rules, rewards and settings"
      backAction={{ content: "Settings", url: "/app/settings" }}
      secondaryActions={[{ content: "Export CSV", loading: download.state.running, onAction: () => void download.start(`/app/export/activity?${filterQuery()}`) }]}
    >
      <BlockStack gap="400">
        {download.state.running || download.state.done || download.state.error ? (
          <Card>
            <CsvDownloadProgress state={download.state} />
          </Card>
        ) : null}
        <Card padding="0">
          <BlockStack>
            {filterBar}
            {rows.length === 0 ? (
              anyFilter ? (
                <EmptyState heading="Nothing matches" image="" action={{ content: "Clear filters", onAction: () => navigate("?", { replace: true }) }}>
                  <p>Try another action, staff member or dates.</p>
                </EmptyState>
              ) : (
                <EmptyState heading="No activity yet" image="">
                  <p>When you or your staff change points, tiers, ways to earn, rewards or settings, it shows here with who did it and what changed.</p>
                </EmptyState>
              )
            ) : (
              <ByWidth narrow={table(true)} wide={table(false)} />
            )}
          </BlockStack>
        </Card>
      </BlockStack>
      <Modal open={open !== null} onClose={() => setOpen(null)} title={open ? `${open.actionLabel}${open.subjectLabel ? `: ${open.subjectLabel}` : ""}` : ""} secondaryActions={[{ content: "Close", onAction: () => setOpen(null) }]}>
        {open ? (
          <Modal.Section>
            <BlockStack gap="300">
              <Text as="p" tone="subdued">
                {`${time.format(new Date(open.at))} · ${open.actor}`}
              </Text>
              {open.note ? (
                <Text as="p">
                  <Text as="span" fontWeight="semibold">
                    Note:
                  </Text>{" "}
                  {open.note}
                </Text>
              ) : null}
              {open.changes.length > 0 ? (
                <DataTable columnContentTypes={["text", "text", "text"]} headings={["Field", "Before", "After"]} rows={open.changes.map((c) => [c.field, c.before, c.after])} verticalAlign="top" />
              ) : (
                <Text as="p" tone="subdued">
                  No field values were recorded for this action.
                </Text>
              )}
              {subjectUrl(open) ? (
                <InlineStack gap="200">
                  <Button url={subjectUrl(open)!}>{`Open ${open.subjectTypeLabel.toLowerCase()}`}</Button>
                  {open.subjectId ? (
                    <Button
                      variant="plain"
                      onClick={() => {
                        setOpen(null);
                        apply({ subject: open.subjectId!, subjectType: open.subjectType });
                      }}
                    >
                      {`All activity for this ${open.subjectTypeLabel.toLowerCase()}`}
                    </Button>
                  ) : null}
                </InlineStack>
              ) : null}
            </BlockStack>
          </Modal.Section>
        ) : null}
      </Modal>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
