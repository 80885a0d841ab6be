import type { LoaderFunctionArgs } from "@remix-run/node";
import { countAuditEvents, parseAuditFilters } from "../loyalty/audit/log.server";
import { AUDIT_EXPORT_COLUMNS, LEDGER_EXPORT_COLUMNS, MEMBER_EXPORT_COLUMNS, exportFileName, parseLedgerRange, parseMemberExportFilters } from "../loyalty/export/csv";
import {
  auditExportRows,
  countLedgerForExport,
  countMembersForExport,
  ledgerExportRows,
  memberExportRows,
  recordExport,
} from "../loyalty/export/exports.server";
import { csvStream } from "../loyalty/export/stream.server";
import { countDonationsForExport, donationExportRows, donationTotalsExportRows } from "../loyalty/charity/admin.server";
import { DONATION_EXPORT_COLUMNS, DONATION_TOTALS_EXPORT_COLUMNS } from "../loyalty/charity/charity";
import { requireAdmin } from "../shopify/admin.server";

// CSV downloads, streamed: /app/export/members?q=&tier=&status=&min=&max=,
// /app/export/ledger?from=YYYY-MM-DD&to=YYYY-MM-DD, /app/export/activity?<the log's filters>,
// /app/export/donations and /app/export/donation-totals?from=&to= (the Charity page, 0037).
// The page fetches them with App Bridge's authenticated fetch (a plain navigation carries
// no session token in the embedded admin) and shows progress against X-Kanta-Rows.

function csvResponse(body: ReadableStream<Uint8Array>, fileName: string, rows: number | null) {
  const headers = new Headers({
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${fileName}"`,
    "Cache-Control": "no-store",
  });
  if (rows !== null) headers.set("X-Kanta-Rows", String(rows));
  return new Response(body, { status: 200, headers });
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, actor } = await requireAdmin(request);
  const url = new URL(request.url);
  const now = new Date();
  if (params.kind === "members") {
    const filters = parseMemberExportFilters(url.searchParams);
    const rows = await countMembersForExport(shop, filters);
    await recordExport(shop, "members", { ...filters }, rows, actor);
    return csvResponse(csvStream(MEMBER_EXPORT_COLUMNS, memberExportRows(shop, filters)), exportFileName("members", now), rows);
  }
  if (params.kind === "ledger") {
    const range = parseLedgerRange(url.searchParams);
    if (!range.ok) return new Response(range.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    const rows = await countLedgerForExport(shop, range);
    await recordExport(shop, "ledger", { from: range.from, to: range.to }, rows, actor);
    return csvResponse(csvStream(LEDGER_EXPORT_COLUMNS, ledgerExportRows(shop, range)), exportFileName(`points-history-${range.from}-to`, new Date(`${range.to}T00:00:00Z`)), rows);
  }
  if (params.kind === "activity") {
    const filters = parseAuditFilters(url.searchParams);
    const rows = await countAuditEvents(shop, filters);
    await recordExport(shop, "activity", { ...filters }, rows, actor);
    return csvResponse(csvStream(AUDIT_EXPORT_COLUMNS, auditExportRows(shop, filters)), exportFileName("activity-log", now), rows);
  }
  if (params.kind === "donations" || params.kind === "donation-totals") {
    const range = parseLedgerRange(url.searchParams);
    if (!range.ok) return new Response(range.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    const rows = await countDonationsForExport(shop, range);
    const totals = params.kind === "donation-totals";
    await recordExport(shop, "donations", { from: range.from, to: range.to, ...(totals ? { totals: true } : {}) }, rows, actor);
    return totals
      ? csvResponse(csvStream(DONATION_TOTALS_EXPORT_COLUMNS, donationTotalsExportRows(shop, range)), exportFileName(`donation-totals-${range.from}-to`, new Date(`${range.to}T00:00:00Z`)), null)
      : csvResponse(csvStream(DONATION_EXPORT_COLUMNS, donationExportRows(shop, range)), exportFileName(`donations-${range.from}-to`, new Date(`${range.to}T00:00:00Z`)), rows);
  }
  return new Response("Not found", { status: 404 });
};
