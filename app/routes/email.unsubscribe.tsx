import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { BODY_LIMITS } from "../../scripts/body-limits.mjs";
import { readLimitedBody } from "../http/body-limit.server";
import { followUnsubscribeLink, type UnsubscribeAction } from "../loyalty/notify/email.server";

// The unsubscribe link of every loyalty email, signed (app/loyalty/notify/unsubscribe.ts),
// no login. GET shows a confirmation page (link scanners that follow links unsubscribe no
// one); POST unsubscribes: the page's button, and mail clients' RFC 8058 one-click
// (body "List-Unsubscribe=One-Click"). The page offers to resubscribe. A forged or edited
// link answers 403 and changes nothing.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  const state = await followUnsubscribeLink(params, "show");
  return state ? page(state, params, null) : forbidden();
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  const body = new URLSearchParams(await readLimitedBody(request, BODY_LIMITS.admin));
  const act: UnsubscribeAction = body.get("action") === "resubscribe" ? "resubscribe" : "unsubscribe";
  const state = await followUnsubscribeLink(params, act);
  if (!state) return forbidden();
  // One-click clients only need a 2xx; people get the page.
  if (body.get("List-Unsubscribe") === "One-Click") return new Response("Unsubscribed", { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return page(state, params, act);
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function shell(title: string, body: string, status = 200): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>body{font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;background:#f6f6f7;color:#202223;margin:0;padding:48px 16px}main{max-width:480px;margin:0 auto;background:#fff;border-radius:12px;padding:32px;box-shadow:0 1px 3px rgba(0,0,0,.08)}h1{font-size:22px;margin:0 0 12px}button{font:inherit;font-weight:600;border:0;border-radius:8px;padding:12px 20px;cursor:pointer;background:#202223;color:#fff}button.secondary{background:#fff;color:#202223;border:1px solid #8c9196}p{margin:0 0 20px}</style></head><body><main>${body}</main></body></html>`,
    { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } },
  );
}

function forbidden(): Response {
  return shell("Link not valid", "<h1>This link is not valid</h1><p>It may have been cut or changed. Use the unsubscribe link from the email itself.</p>", 403);
}

function page(state: { shopName: string; unsubscribed: boolean }, params: URLSearchParams, done: UnsubscribeAction | null): Response {
  const shop = esc(state.shopName);
  const action = `?${esc(params.toString())}`;
  if (state.unsubscribed) {
    return shell(
      "Unsubscribed",
      `<h1>You are unsubscribed</h1><p>${done === "unsubscribe" ? "Done: " : ""}${shop} will send you no more loyalty emails (points, rewards, tiers). Your points and rewards stay as they are.</p>
<form method="post" action="${action}"><input type="hidden" name="action" value="resubscribe"><button class="secondary" type="submit">Subscribe again</button></form>`,
    );
  }
  return shell(
    "Unsubscribe",
    `<h1>${done === "resubscribe" ? "You are subscribed again" : `Stop loyalty emails from ${shop}?`}</h1><p>${done === "resubscribe" ? `You will get ${shop}'s loyalty emails again.` : "You will get no more emails about your points, rewards and tier. Your points and rewards stay as they are."}</p>
<form method="post" action="${action}"><input type="hidden" name="action" value="unsubscribe"><button type="submit">Unsubscribe</button></form>`,
  );
}
