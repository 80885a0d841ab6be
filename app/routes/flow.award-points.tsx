import type { ActionFunctionArgs } from "@remix-run/node";
import { FlowAwardError, awardPointsFromFlow, parseFlowAward } from "../loyalty/members/flow-award.server";
import { readFlowActionRequest } from "../shopify/flow-action.server";
import { parseShopifyJson } from "../webhooks/json";

// POST /flow/award-points: the Shopify Flow action "Award points"
// (extensions/kanta-award-points-flow/shopify.extension.toml). Signed by Shopify (401
// otherwise); 200 once the points are awarded or were already awarded for this run (Flow
// retries until it gets a 200); a 4xx with the reason when the request cannot be honoured,
// which Flow shows on the workflow run. Nothing changes on a 4xx.

const STATUS: Record<FlowAwardError["code"], number> = {
  invalid: 400,
  unknown_shop: 404,
  program_inactive: 422,
  member_excluded: 422,
  conflict: 409,
};

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8" } });

export async function action({ request }: ActionFunctionArgs) {
  const read = await readFlowActionRequest(request);
  if ("response" in read) return read.response;
  let body: unknown;
  try {
    // Customer ids beyond 2^53 stay exact (as strings).
    body = parseShopifyJson(read.raw);
  } catch {
    return json(400, { error: "invalid", message: "The body is not JSON" });
  }
  try {
    const award = parseFlowAward(body);
    const result = await awardPointsFromFlow(award);
    return json(200, { ok: true, replayed: result.replayed });
  } catch (error) {
    if (error instanceof FlowAwardError) return json(STATUS[error.code], { error: error.code, message: error.message });
    throw error;
  }
}

export function loader() {
  return json(405, { error: "method_not_allowed", message: "Flow actions are POSTed" });
}
