import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { Db } from "../../../app/db.server";
import { getJobRunner } from "../../../app/jobs/queue.server";
import { getEmulator } from "../../../app/local/emulator.server";
import { DEFAULT_REFERRAL_SETTINGS, serializeReferralSettings, type ReferralSettings } from "../../../app/loyalty/referrals/settings";
import { signProxyQuery } from "../../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../../db";
import { customerPayload, lineId, orderPayload } from "../../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer, type TestServer } from "../../http";
// Shared set-up for the referral tests (tests/integration/referrals/*.test.ts): referrals end
// to end, through signed app proxy calls (visit, greeting, claim) and simulated, signed
// webhooks (the friend's order), on both databases. docs/decisions/0009-referrals.md

let dbOf: () => Db = () => {
  throw new Error("call useReferralHarness() at the top of the test file");
};
let serverOf: () => TestServer = dbOf as never;
export const db = () => dbOf();
export const server = () => serverOf();

/** The test database and server, and local mode (Admin API calls go to the emulator): call once per file. */
export function useReferralHarness(): void {
  dbOf = useTestDatabase().db;
  serverOf = useTestServer().server;
  useLocalModeEnv();
}

export const DAY = 86_400_000;
let next = 0;
export const uniqueId = (prefix: number) => String(prefix + process.pid * 1000 + ++next);

export async function settle() {
  await getJobRunner().idle();
}

export interface Setup {
  shop: { id: string; domain: string };
  referrerId: string;
  referrerCustomerId: string;
  code: string;
}

/** A live shop with referrals on, and a member (enrolled by customers/create) whose code the widget assigned. */
export async function setup(options: { pendingDays?: number; settings?: Partial<ReferralSettings>; referrerAddress?: string } = {}): Promise<Setup> {
  const shop = await createTestShop(db(), { pendingDays: options.pendingDays ?? 0 });
  (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const settings: ReferralSettings = { ...DEFAULT_REFERRAL_SETTINGS, enabled: true, ...options.settings };
  await db().program.update({ where: { shopId: shop.id }, data: { referralSettings: serializeReferralSettings(settings) } });
  const referrerCustomerId = uniqueId(7_100_000_000);
  await sendWebhook(server().url, "customers/create", shop.domain, customerPayload({ id: referrerCustomerId, firstName: "Aino Maria", lastName: "Virtanen", email: `aino.virtanen+${referrerCustomerId}@gmail.com` }));
  await settle();
  (await getEmulator()).addCustomer(shop.domain, {
    id: `gid://shopify/Customer/${referrerCustomerId}`,
    email: `aino.virtanen+${referrerCustomerId}@gmail.com`,
    phone: "+358 40 123 4567",
    numberOfOrders: 3,
    addresses: [{ address1: options.referrerAddress ?? "Mannerheimintie 12", zip: "00100", countryCode: "FI" }],
  });
  const view = await (await fetch(proxy("/customer", { logged_in_customer_id: referrerCustomerId }, TEST_SECRET, shop.domain))).json();
  const code = view.customer.referral.code as string;
  const member = await db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId: shop.id, customerGid: `gid://shopify/Customer/${referrerCustomerId}` } } });
  currentShop = shop.domain; // proxy() signs for the latest shop unless told otherwise
  return { shop, referrerId: member.id, referrerCustomerId, code };
}

let currentShop = "";
export function proxy(path: string, params: Record<string, string> = {}, secret = TEST_SECRET, shop = currentShop) {
  return `${server().url}/proxy${path}?${signProxyQuery({ shop, path_prefix: "/apps/kanta", logged_in_customer_id: "", ...params }, secret).toString()}`;
}

export async function visit(s: Setup, params: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<{ status: number; location: string; token: string | null }> {
  const response = await fetch(proxy(`/r/${s.code}`, params, TEST_SECRET, s.shop.domain), { redirect: "manual", headers });
  const location = response.headers.get("location") ?? "";
  return { status: response.status, location, token: /kanta_ref=([\w-]+)/.exec(location)?.[1] ?? null };
}

export async function claim(s: Setup, token: string, email: string, params: Record<string, string> = {}) {
  const response = await fetch(proxy("/referral/claim", params, TEST_SECRET, s.shop.domain), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token, email }),
  });
  return { status: response.status, body: await response.json() };
}

export interface FriendOrder {
  id: string;
  customerId?: string | null;
  token?: string;
  code?: string;
  email: string;
  amount?: string;
  at?: Date;
  updatedAt?: Date;
  cancelled?: boolean;
  refunds?: { id: string; amount: string }[];
  address?: string;
  phone?: string | null;
}

export function friendOrder(o: FriendOrder) {
  const at = o.at ?? new Date(Date.now() - 60_000);
  return orderPayload({
    id: o.id,
    customerId: o.customerId === undefined ? uniqueId(7_200_000_000) : o.customerId,
    lines: [{ price: o.amount ?? "80.00" }],
    updatedAt: (o.updatedAt ?? at).toISOString(),
    processedAt: at.toISOString(),
    cancelledAt: o.cancelled ? (o.updatedAt ?? at).toISOString() : null,
    email: o.email,
    phone: o.phone ?? null,
    shippingAddress: { address1: o.address ?? "Aleksanterinkatu 5", zip: "00100", countryCode: "FI", phone: null },
    refunds: (o.refunds ?? []).map((r) => ({ id: r.id, orderId: o.id, lines: [{ lineItemId: lineId(o.id, 0), quantity: 1, subtotal: r.amount }] })),
    ...(o.token ? { noteAttributes: { kanta_ref: o.token } } : {}),
    ...(o.code ? { discountCodes: [o.code] } : {}),
  });
}

export async function referralOf(s: Setup, token: string) {
  return db().referral.findUniqueOrThrow({ where: { shopId_visitorToken: { shopId: s.shop.id, visitorToken: token } } });
}

export async function referralEntries(s: Setup) {
  return db().ledgerEntry.findMany({ where: { shopId: s.shop.id, memberId: s.referrerId, kind: "referral" }, orderBy: { createdAt: "asc" } });
}

export function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export async function deliver(s: Setup, events: { topic: string; payload: unknown; eventId?: string }[]) {
  for (const e of events) {
    const response = await sendWebhook(server().url, e.topic, s.shop.domain, e.payload, { eventId: e.eventId ?? randomUUID() });
    expect(response.status).toBe(200);
  }
  await settle();
  const bad = await db().webhookEvent.findMany({ where: { shopDomain: s.shop.domain, status: { not: "done" } }, select: { topic: true, status: true, lastError: true } });
  expect(bad).toEqual([]);
}

