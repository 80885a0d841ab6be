import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { isLocalMode } from "../../env.server";
import { LOCAL_SHOP } from "../../shopify/admin.server";
import { getEmulator } from "../emulator.server";

// Local mode's window into the Admin API emulator: what Kanta asked "Shopify" to create
// (GET: the discounts, with the inputs Shopify received, and the store credit accounts) and a way to make the next call of
// an operation fail (POST {"failNext": "KantaDiscountCodeBasicCreate"}), to see how Kanta
// behaves when Shopify errors. Not served outside local mode.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const shop = new URL(request.url).searchParams.get("shop") ?? LOCAL_SHOP;
  const emulator = await getEmulator();
  return Response.json({ shop, discounts: emulator.discounts(shop), storeCredit: emulator.storeCreditAccounts(shop), calls: emulator.calls.filter((c) => c.shop === shop).slice(-50) });
};

const body = z.object({ failNext: z.string().regex(/^Kanta\w+$/), times: z.number().int().min(1).max(100).default(1) });

export const action = async ({ request }: ActionFunctionArgs) => {
  if (!isLocalMode()) return new Response("Not found", { status: 404 });
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "bad_request", message: parsed.error.issues[0]?.message }, { status: 400 });
  (await getEmulator()).failNext(parsed.data.failNext, "Internal error. Looks like something went wrong on our end.", parsed.data.times);
  return Response.json({ ok: true });
};
