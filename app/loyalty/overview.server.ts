import { getDb, type Db } from "../db.server";

/** Program status and recent activity for the admin home page. */
export async function getProgramOverview(shopDomain: string, db: Db = getDb()) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, include: { program: true } });
  if (!shop || !shop.program) return null;
  const [members, totals, recent, inbox] = await Promise.all([
    db.member.count({ where: { shopId: shop.id } }),
    db.member.aggregate({ where: { shopId: shop.id }, _sum: { points: true, pendingPoints: true } }),
    db.ledgerEntry.findMany({
      where: { shopId: shop.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 15,
      include: { member: { select: { firstName: true, lastName: true, email: true, customerGid: true } } },
    }),
    db.webhookEvent.groupBy({ by: ["status"], where: { shopDomain }, _count: { _all: true } }),
  ]);
  return {
    shop: { name: shop.name, domain: shop.domain, currencyCode: shop.currencyCode, timezone: shop.ianaTimezone },
    program: { status: shop.program.status, pendingDays: shop.program.pendingDays, expiryMonths: shop.program.expiryMonths },
    members,
    outstandingPoints: totals._sum.points ?? 0,
    pendingPoints: totals._sum.pendingPoints ?? 0,
    inbox: Object.fromEntries(inbox.map((row) => [row.status, row._count._all])) as Record<string, number>,
    recent: recent.map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      kind: e.kind,
      points: e.delta,
      pendingPoints: e.pendingDelta,
      note: e.note,
      member: [e.member.firstName, e.member.lastName].filter(Boolean).join(" ") || e.member.email || e.member.customerGid,
    })),
  };
}

export type ProgramOverview = NonNullable<Awaited<ReturnType<typeof getProgramOverview>>>;

/** A few members to preview the storefront as (local mode's storefront preview). */
export async function listPreviewMembers(shopDomain: string, limit = 6, db: Db = getDb()) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return [];
  const members = await db.member.findMany({
    where: { shopId: shop.id, status: "active" },
    orderBy: { enrolledAt: "asc" },
    take: limit,
    select: { customerGid: true, firstName: true, lastName: true, email: true, points: true },
  });
  return members.map((m) => ({
    id: m.customerGid.split("/").pop()!,
    firstName: m.firstName,
    name: [m.firstName, m.lastName].filter(Boolean).join(" ") || m.email || m.customerGid,
    email: m.email,
    points: m.points,
  }));
}
