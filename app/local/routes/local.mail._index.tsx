import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { listCaughtMail } from "../mail.server";
import { mailPage } from "../mail-page";

// GET /local/mail: every email Kanta sent in local mode (caught by scripts/local-mail.mjs),
// newest first; ?format=json for tests. Not served outside local mode.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const mails = await listCaughtMail();
  if (new URL(request.url).searchParams.get("format") === "json") return Response.json({ mails }, { headers: { "Cache-Control": "no-store" } });
  const rows = mails
    .map((m) => `<tr><td><a href="/local/mail/${m.id}">${esc(m.subject || "(no subject)")}</a></td><td>${esc(m.to)}</td><td>${esc(m.from)}</td><td><time>${esc(m.receivedAt.replace("T", " ").slice(0, 19))}</time></td></tr>`)
    .join("");
  const body = mails.length
    ? `<table><thead><tr><th>Subject</th><th>To</th><th>From</th><th>Received (UTC)</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="empty">No email yet. Emails appear here when an occasion happens: a member joins, earns points, reaches a tier… (play an order with <code>npm run simulate</code>).</p>`;
  return mailPage("Local mail", `<h1>Local mail</h1><p class="sub">Every email Kanta sent in local mode, as members get it. Kept in memory until local mode stops.</p>${body}`);
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
