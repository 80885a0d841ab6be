import { getDb, type Db } from "../../db.server";
import { isKlaviyoPrivateKey, klaviyoKeyHint } from "../../klaviyo/events.server";
import type { KlaviyoSettingsView } from "./klaviyo-settings";

export type { KlaviyoSettingsView };

// The shop's Klaviyo connection, as Settings edits it: a private API key (checked for
// Klaviyo's format; stored, never shown back: only its hint), on or off. While it is on,
// new occasions get a `klaviyo` delivery row (./channels.server.ts) that
// app/jobs/klaviyo.server.ts sends as a Klaviyo event.
// docs/decisions/0024-shopify-flow-klaviyo-bulk-sync.md

export class KlaviyoSettingsError extends Error {
  override name = "KlaviyoSettingsError";
}

export async function getKlaviyoSettings(shopDomain: string, db: Db = getDb()): Promise<KlaviyoSettingsView> {
  const row = await db.klaviyoIntegration.findFirst({ where: { shop: { domain: shopDomain } }, select: { keyHint: true, enabled: true, lastError: true } });
  return row ? { connected: true, keyHint: row.keyHint, enabled: row.enabled, lastError: row.lastError } : { connected: false, keyHint: null, enabled: false, lastError: null };
}

/** Saves (or replaces) the key and turns sending on. A key not in Klaviyo's format changes nothing. */
export async function saveKlaviyoKey(shopDomain: string, key: string, db: Db = getDb()): Promise<KlaviyoSettingsView> {
  const trimmed = key.trim();
  if (!trimmed) throw new KlaviyoSettingsError("Enter your Klaviyo private API key");
  if (!isKlaviyoPrivateKey(trimmed)) throw new KlaviyoSettingsError("This is not a Klaviyo private API key: it starts with pk_ (Klaviyo > Settings > API keys)");
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) throw new KlaviyoSettingsError("Unknown shop");
  const data = { privateKey: trimmed, keyHint: klaviyoKeyHint(trimmed), enabled: true, lastError: null, validatedAt: new Date() };
  await db.klaviyoIntegration.upsert({ where: { shopId: shop.id }, create: { shopId: shop.id, ...data }, update: data });
  return getKlaviyoSettings(shopDomain, db);
}

/** Forgets the key: nothing more goes to Klaviyo (rows already waiting are skipped). */
export async function removeKlaviyoKey(shopDomain: string, db: Db = getDb()): Promise<void> {
  await db.klaviyoIntegration.deleteMany({ where: { shop: { domain: shopDomain } } });
}
