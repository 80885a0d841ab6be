import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { BODY_LIMITS } from "../../scripts/body-limits.mjs";
import { getEnv } from "../env.server";
import { readLimitedBody } from "../http/body-limit.server";
import { applyMailEvents } from "../loyalty/notify/email.server";
import { verifyMailEventsSignature } from "../loyalty/notify/unsubscribe";

// POST /email/events: bounces and complaints from the mail provider. Signed with
// MAIL_EVENTS_SECRET: header `X-Kanta-Signature: sha256=<hex HMAC-SHA256 of the body>`.
// Body: {"events":[{"type":"bounce"|"complaint","email":"a@b.c","detail":"550 5.1.1 …"}]}
// (at most 1,000). Each address stops getting loyalty emails from the shops that sent to it.
// A provider with its own format is bridged by a small relay (README, Emails). Without
// MAIL_EVENTS_SECRET: 404. docs/decisions/0022-loyalty-emails.md

const events = z.object({
  events: z
    .array(z.object({ type: z.enum(["bounce", "complaint"]), email: z.string().trim().email(), detail: z.string().max(500).optional() }))
    .min(1)
    .max(1000),
});

export const loader = () => new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });

export const action = async ({ request }: ActionFunctionArgs) => {
  const secret = getEnv().MAIL_EVENTS_SECRET;
  if (!secret) return new Response("Not found", { status: 404 });
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });
  const body = await readLimitedBody(request, BODY_LIMITS.admin);
  if (!verifyMailEventsSignature(secret, body, request.headers.get("x-kanta-signature"))) return Response.json({ error: "bad_signature" }, { status: 401 });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return Response.json({ error: "invalid_json" }, { status: 400 });
  }
  const parsed = events.safeParse(json);
  if (!parsed.success) return Response.json({ error: "invalid_events", issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) }, { status: 400 });
  const suppressed = await applyMailEvents(parsed.data.events);
  return Response.json({ ok: true, suppressed });
};
