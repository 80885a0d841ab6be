import { getDb, type Db } from "../db.server";
import { releaseDuePendingPoints } from "./orders.server";

// What the storefront widget reads through the app proxy. Field names are a contract with
// extensions/kanta-widget: add fields, never rename or remove them.

export interface CustomerView {
  customer: {
    id: string;
    firstName: string | null;
    points: number;
    pendingPoints: number;
    lifetimePoints: number;
    status: string;
    tier: { name: string; rank: number } | null;
    recentActivity: { at: string; kind: string; points: number; pendingPoints: number; note: string | null }[];
  } | null;
  program: {
    status: string;
    currencyCode: string;
    earn: { points: number; spendMinor: number } | null;
    signupPoints: number | null;
    pendingDays: number;
  };
}

export class ProgramNotFoundError extends Error {
  override name = "ProgramNotFoundError";
}

export async function getCustomerView(shopDomain: string, customerGid: string | null, db: Db = getDb()): Promise<CustomerView> {
  const shop = await db.shop.findUnique({
    where: { domain: shopDomain },
    include: { program: true, earnRules: { where: { enabled: true, type: { in: ["purchase", "signup"] } } } },
  });
  if (!shop || !shop.program || shop.uninstalledAt) throw new ProgramNotFoundError(`no program for ${shopDomain}`);
  const purchase = shop.earnRules.find((r) => r.type === "purchase");
  const signup = shop.earnRules.find((r) => r.type === "signup");
  const program: CustomerView["program"] = {
    status: shop.program.status,
    currencyCode: shop.currencyCode,
    earn: purchase?.spendMinor ? { points: purchase.points, spendMinor: Number(purchase.spendMinor) } : null,
    signupPoints: signup?.points ?? null,
    pendingDays: shop.program.pendingDays,
  };
  if (!customerGid) return { customer: null, program };

  let member = await db.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid } },
    select: { id: true, pendingPoints: true },
  });
  if (!member) return { customer: null, program };
  // Points whose return window has passed are spendable now, whether or not the sweep ran.
  if (member.pendingPoints !== 0) await releaseDuePendingPoints(db, { memberId: member.id });
  const full = await db.member.findUniqueOrThrow({
    where: { id: member.id },
    include: {
      tier: { select: { name: true, rank: true } },
      ledger: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 10 },
    },
  });
  member = full;
  return {
    customer: {
      id: full.customerGid,
      firstName: full.firstName,
      points: full.points,
      pendingPoints: full.pendingPoints,
      lifetimePoints: full.lifetimePoints,
      status: full.status,
      tier: full.tier,
      recentActivity: full.ledger.map((e) => ({
        at: e.createdAt.toISOString(),
        kind: e.kind,
        points: e.delta,
        pendingPoints: e.pendingDelta,
        note: e.note,
      })),
    },
    program,
  };
}
