import { BODY_LIMITS } from "../../scripts/body-limits.mjs";
import { getEnv } from "../env.server";
import { BodyTooLargeError, bodyTooLargeResponse, readLimitedBody } from "../http/body-limit.server";
import { sameSignature, signWebhookBody } from "./signing";

// Shopify Flow action requests (extensions/kanta-award-points-flow): Flow POSTs the action's
// JSON with an `X-Shopify-Hmac-SHA256` header, the base64 HMAC-SHA256 of the raw body with
// the app's API secret; anything else is refused (401) before the body is parsed.
// https://shopify.dev/docs/apps/build/flow/actions/endpoints#verifying-requests

/** The header's value for a body (tests, local mode): a webhook's signature. */
export const signFlowBody = signWebhookBody;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8" } });

/** The request's verified raw body, or the Response that refuses it (405, 413, 401). */
export async function readFlowActionRequest(request: Request): Promise<{ raw: string } | { response: Response }> {
  if (request.method !== "POST") return { response: json(405, { error: "method_not_allowed", message: "Flow actions are POSTed" }) };
  let raw: string;
  try {
    raw = await readLimitedBody(request, BODY_LIMITS.admin);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { response: bodyTooLargeResponse(error.limit) };
    throw error;
  }
  const given = request.headers.get("x-shopify-hmac-sha256");
  if (!given || !sameSignature(given.trim(), signFlowBody(raw, getEnv().SHOPIFY_API_SECRET))) {
    return { response: json(401, { error: "unauthorized", message: "The request is not signed by Shopify" }) };
  }
  return { raw };
}
