import { z } from "zod";
import { databaseKind, getDb, type Db } from "../../db.server";
import { getEnv } from "../../env.server";
import { parseJsonText } from "../json-column";

// The admin's Members list: keyset-paginated (fast with 100,000 members: the (shopId,
// points) and (shopId, lastActivityAt) indexes serve the sort), filtered by status, tier,
// points and words; the same filters serve the members export (../export).

export const MEMBER_SORTS = ["points", "lastActivity", "enrolled"] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];
export const MEMBER_STATUSES = ["active", "excluded"] as const;

export interface ListMembersOptions {
  query?: string;
  /** A tier id. */
  tier?: string;
  status?: (typeof MEMBER_STATUSES)[number];
  minPoints?: number;
  maxPoints?: number;
  sort?: MemberSort;
  direction?: "asc" | "desc";
  /** From a previous page's nextCursor or previousCursor. */
  cursor?: string;
  pageSize?: number;
}

interface Cursor {
  /** The sort column's value of the boundary row (a number, or an ISO date). */
  v: number | string;
  id: string;
  /** "n": rows after the boundary; "p": rows before it. */
  d: "n" | "p";
}

const cursorSchema = z.object({ v: z.union([z.number(), z.string()]), id: z.string().min(1), d: z.enum(["n", "p"]) });

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  const parsed = parseJsonText(Buffer.from(raw, "base64url").toString("utf8"), cursorSchema);
  return parsed.ok ? parsed.data : null; // a mangled URL shows the first page rather than an error
}

const SORT_COLUMN = { points: "points", lastActivity: "lastActivityAt", enrolled: "enrolledAt" } as const;

/**
 * Case-insensitive `contains`. SQLite's LIKE (Prisma's `contains` there) already ignores
 * ASCII case; PostgreSQL needs `mode: "insensitive"` (ILIKE), which the SQLite client's
 * types do not know, hence the widened object.
 */
function containsInsensitive(term: string) {
  return databaseKind(getEnv().DATABASE_URL) === "postgres"
    ? ({ contains: term, mode: "insensitive" } as { contains: string })
    : { contains: term };
}

export function memberName(m: { firstName: string | null; lastName: string | null; email: string | null; customerGid: string }): string {
  return [m.firstName, m.lastName].filter(Boolean).join(" ") || m.email || `Customer ${m.customerGid.split("/").pop()}`;
}

/** The Members list's filters (status, tier, points range) as a Prisma condition; the list and the export share it. */
export function memberFilterWhere(shopId: string, options: Pick<ListMembersOptions, "status" | "tier" | "minPoints" | "maxPoints">) {
  return {
    shopId,
    status: options.status ? options.status : { not: "redacted" },
    ...(options.tier ? { tierId: options.tier } : {}),
    ...(options.minPoints !== undefined || options.maxPoints !== undefined
      ? { points: { ...(options.minPoints !== undefined ? { gte: options.minPoints } : {}), ...(options.maxPoints !== undefined ? { lte: options.maxPoints } : {}) } }
      : {}),
  };
}

/** Every word matches the first name, last name or email: "elsa lind" finds Elsa Lindqvist. */
export function memberWordFilters(query: string | undefined) {
  const words = (query ?? "").trim().split(/\s+/).filter(Boolean).slice(0, 5);
  return words.map((word) => ({
    OR: [{ firstName: containsInsensitive(word) }, { lastName: containsInsensitive(word) }, { email: containsInsensitive(word) }],
  }));
}

export async function listMembers(shopDomain: string, options: ListMembersOptions = {}, db: Db = getDb()) {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, ianaTimezone: true } });
  const empty = { rows: [], nextCursor: null, previousCursor: null, timezone: "UTC" };
  if (!shop) return empty;
  const pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? 50), 1), 100);
  const sort = options.sort ?? "points";
  const column = SORT_COLUMN[sort];
  const direction = options.direction ?? "desc";
  const cursor = decodeCursor(options.cursor);
  const backwards = cursor?.d === "p";
  // Going back, read the rows before the boundary in reverse order, then flip them.
  const readDirection = backwards ? (direction === "desc" ? "asc" : "desc") : direction;
  const past = readDirection === "desc" ? "lt" : "gt";

  const where = {
    ...memberFilterWhere(shop.id, options),
    AND: [
      ...memberWordFilters(options.query),
      ...(cursor
        ? [
            // The first condition is implied by the second; it gives the database a range
            // on the sort column's index instead of an OR it would scan for.
            { [column]: { [past === "lt" ? "lte" : "gte"]: sort === "points" ? Number(cursor.v) : new Date(String(cursor.v)) } },
            {
              OR: [
                { [column]: { [past]: sort === "points" ? Number(cursor.v) : new Date(String(cursor.v)) } },
                { [column]: sort === "points" ? Number(cursor.v) : new Date(String(cursor.v)), id: { [past]: cursor.id } },
              ],
            },
          ]
        : []),
    ],
  };
  const found = await db.member.findMany({
    where,
    orderBy: [{ [column]: readDirection }, { id: readDirection }],
    take: pageSize + 1,
    include: { tier: { select: { name: true, rank: true } } },
  });
  const more = found.length > pageSize;
  const page = found.slice(0, pageSize);
  if (backwards) page.reverse();
  const boundary = (m: (typeof page)[number], d: "n" | "p") =>
    encodeCursor({ v: sort === "points" ? m.points : (sort === "lastActivity" ? m.lastActivityAt : m.enrolledAt).toISOString(), id: m.id, d });
  const first = page[0];
  const last = page[page.length - 1];
  const hasNext = backwards ? cursor !== null : more;
  const hasPrevious = backwards ? more : cursor !== null;
  return {
    rows: page.map((m) => ({
      id: m.id,
      customerGid: m.customerGid,
      name: memberName(m),
      email: m.email,
      tier: m.tier ? { name: m.tier.name, rank: m.tier.rank } : null,
      points: m.points,
      pendingPoints: m.pendingPoints,
      lifetimePoints: m.lifetimePoints,
      status: m.status,
      lastActivityAt: m.lastActivityAt.toISOString(),
      enrolledAt: m.enrolledAt.toISOString(),
    })),
    nextCursor: hasNext && last ? boundary(last, "n") : null,
    previousCursor: hasPrevious && first ? boundary(first, "p") : null,
    timezone: shop.ianaTimezone,
  };
}

export type MemberListRow = Awaited<ReturnType<typeof listMembers>>["rows"][number];

export async function listShopTiers(shopDomain: string, db: Db = getDb()) {
  return db.tier.findMany({ where: { shop: { domain: shopDomain } }, orderBy: { rank: "asc" }, select: { id: true, name: true, rank: true } });
}
