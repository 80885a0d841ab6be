import { APP_DATA_METAFIELDS_SET, CURRENT_APP_INSTALLATION } from "./documents";
import { ShopifyApiError, requireNoUserErrors, runAdminQuery, type AdminGraphql } from "./graphql";

// The app-data metafield the storefront app embed reads (blocks/app-embed.liquid, as
// `app.metafields.kanta.program.value`): the program's status and the merchant's widget
// defaults, so guests' launchers follow them without calling the app proxy. App-data
// metafields live on the app's installation, only this app can write them, and they go
// away with the installation. Called by the AppDataSync outbox job (app/jobs/app-data.server.ts).
// https://shopify.dev/docs/apps/build/custom-data/ownership#app-data-metafields
// https://shopify.dev/docs/api/liquid/objects/app

export const PROGRAM_APP_DATA_METAFIELD = { namespace: "kanta", key: "program", type: "json" } as const;
/** Members-only products and early access (blocks/members-only.liquid reads `app.metafields.kanta.access.value`), 0034. */
export const ACCESS_APP_DATA_METAFIELD = { namespace: "kanta", key: "access", type: "json" } as const;

/** The metafield's value. Field names are a contract with the app embed's Liquid. */
export interface ProgramAppData {
  status: "draft" | "live" | "paused";
  /** The merchant's program name; null when left at the default. */
  programName: string | null;
  /** Widget defaults from Settings; null where the merchant set none. */
  widget: { accent: string | null; onAccent: string | null; position: string | null; label: string | null };
}

interface UserErrors {
  userErrors: { field?: string[] | null; message: string }[];
}

/**
 * Writes kanta.program (and kanta.access, the members-only rules, when given) on the shop's
 * app installation, in one metafieldsSet. Idempotent: it sets the whole values.
 */
export async function syncProgramAppData(graphql: AdminGraphql, value: ProgramAppData, access?: unknown): Promise<void> {
  const installation = await runAdminQuery<{ currentAppInstallation: { id: string } | null }>(graphql, CURRENT_APP_INSTALLATION);
  const ownerId = installation.currentAppInstallation?.id;
  if (!ownerId) throw new ShopifyApiError("currentAppInstallation returned nothing");
  const data = await runAdminQuery<{ metafieldsSet: UserErrors | null }>(graphql, APP_DATA_METAFIELDS_SET, {
    metafields: [
      { ownerId, ...PROGRAM_APP_DATA_METAFIELD, value: JSON.stringify(value) },
      ...(access === undefined ? [] : [{ ownerId, ...ACCESS_APP_DATA_METAFIELD, value: JSON.stringify(access) }]),
    ],
  });
  if (!data.metafieldsSet) throw new ShopifyApiError("metafieldsSet returned nothing");
  requireNoUserErrors("metafieldsSet", data.metafieldsSet.userErrors);
}
