import type { ActionFunctionArgs } from "@remix-run/node";
import { previewEmail, readEmailDraft } from "../loyalty/notify/emails-admin.server";
import { requireAdmin } from "../shopify/admin.server";

// POST /app/emails/preview: the Emails page's live preview, as JSON. A resource route, not
// the page's action: the editor fetches it itself (App Bridge adds the session token), so a
// preview that a newer one replaces is aborted by the page and never re-runs the page's
// loader. Changes nothing.

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ error: "Method not allowed" }, { status: 405 });
  const { shop } = await requireAdmin(request);
  const draft = readEmailDraft(await request.json().catch(() => null));
  if (!draft) return Response.json({ error: "The preview could not be read. Reload the page and try again." }, { status: 400 });
  const rendered = await previewEmail(shop, draft.kind, draft.language, draft.text);
  return Response.json({ subject: rendered.subject, html: rendered.html, text: rendered.text, from: rendered.from });
};
