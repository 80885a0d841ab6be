import type { LoaderFunctionArgs } from "@remix-run/node";
import { isLocalMode } from "../../env.server";
import { getEmulator } from "../emulator.server";

// A bulk operation's JSONL result, as Shopify's storage serves the operation's `url`
// (local mode only). Kanta's jobs read it through the emulator directly; this route lets a
// person (or curl) open the URL the emulator gave out.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const body = (await getEmulator()).bulkResult(request.url);
  if (!body) return new Response("Not found", { status: 404 });
  return new Response(body, { headers: { "Content-Type": "application/jsonl" } });
};
