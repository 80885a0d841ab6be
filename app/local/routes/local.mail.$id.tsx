import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { caughtMail } from "../mail.server";
import { mailPage } from "../mail-page";

// GET /local/mail/<id>: one caught email: the HTML as members see it (in a sandboxed
// iframe), the plain text, and every header. Not served outside local mode.
export const loader = async ({ params }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const mail = await caughtMail(Number(params.id));
  if (!mail) return new Response("No such email", { status: 404 });
  const headers = mail.headers.map((h) => `<tr><th>${esc(h.name)}</th><td>${esc(h.value)}</td></tr>`).join("");
  return mailPage(
    mail.subject,
    `<p><a href="/local/mail">← All mail</a></p>
<h1>${esc(mail.subject)}</h1>
<p class="sub">To ${esc(mail.to)} · from ${esc(mail.from)}${mail.replyTo ? ` · reply-to ${esc(mail.replyTo)}` : ""}</p>
<h2>HTML</h2>
<iframe title="The email as HTML" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${esc(mail.html)}"></iframe>
<h2>Text</h2>
<pre>${esc(mail.text)}</pre>
<h2>Headers</h2>
<table class="headers">${headers}</table>`,
  );
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
