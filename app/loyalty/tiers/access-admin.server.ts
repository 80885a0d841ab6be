import { getDb, type Db } from "../../db.server";
import { SYSTEM_ACTOR, type AuditActor } from "../audit/audit";
import { recordAudit } from "../audit/record.server";
import { markAppDataDirty } from "../program/app-data.server";
import { inTransaction } from "../tx.server";
import { parseAccessRules, serializeAccessRules, validateAccessRules, type AccessErrors, type AccessRule, type AccessTier } from "./access";

// The Members-only page (app/routes/app.members-only.tsx): the rules as the merchant keeps
// them, saved with an audit row and the app-data metafield (kanta.access) marked for sync in
// the same transaction; app/jobs/app-data.server.ts sends it. docs/decisions/0034-members-only.md

export interface AccessPage {
  rules: AccessRule[];
  tiers: AccessTier[];
  timeZone: string;
  programStatus: string;
  /** The shop's products are picked with the resource picker; nothing else is needed here. */
}

export async function getAccessPage(shopDomain: string, db: Db = getDb()): Promise<AccessPage | null> {
  const shop = await db.shop.findUnique({
    where: { domain: shopDomain },
    select: { ianaTimezone: true, program: { select: { memberAccess: true, status: true } }, tiers: { select: { name: true, rank: true }, orderBy: { rank: "asc" } } },
  });
  if (!shop?.program) return null;
  return { rules: parseAccessRules(shop.program.memberAccess), tiers: shop.tiers, timeZone: shop.ianaTimezone, programStatus: shop.program.status };
}

export type AccessSaveResult = { ok: true; rules: AccessRule[] } | { ok: false; errors: AccessErrors };

/** Validates and saves the whole list (the page sends it whole). Refusals save nothing and record nothing. */
export async function saveAccessRules(shopDomain: string, input: unknown, db: Db = getDb(), actor: AuditActor = SYSTEM_ACTOR): Promise<AccessSaveResult> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, ianaTimezone: true, tiers: { select: { name: true, rank: true } } } });
  if (!shop) return { ok: false, errors: { form: "This shop is not installed." } };
  const valid = validateAccessRules(input, shop.tiers, shop.ianaTimezone);
  if (!valid.ok) return valid;
  await inTransaction(db, async (tx) => {
    const stored = await tx.program.findUniqueOrThrow({ where: { shopId: shop.id }, select: { memberAccess: true } });
    const before = parseAccessRules(stored.memberAccess);
    const next = serializeAccessRules(valid.rules);
    if (serializeAccessRules(before) === next) return;
    await tx.program.update({ where: { shopId: shop.id }, data: { memberAccess: next } });
    await recordAudit(tx, {
      shopId: shop.id,
      actor,
      action: "program.member_access_updated",
      subjectType: "program",
      subjectId: null,
      subjectLabel: "Members-only products",
      before: auditView(before),
      after: auditView(valid.rules),
    });
    await markAppDataDirty(tx, shop.id);
  });
  return { ok: true, rules: valid.rules };
}

/** Rules keyed by id, items by title: the log shows what changed in words. */
function auditView(rules: readonly AccessRule[]): Record<string, unknown> {
  return Object.fromEntries(
    rules.map((r) => [
      r.id,
      {
        name: r.name,
        products: r.products.map((p) => p.title || p.id).join(", "),
        collections: r.collections.map((c) => c.title || c.id).join(", "),
        stages: r.stages.map((s) => `${s.who}${s.from ? ` from ${s.from}` : ""}`).join("; "),
        openFrom: r.openFrom,
      },
    ]),
  );
}
