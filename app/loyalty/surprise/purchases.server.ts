import type { Db, Tx } from "../../db.server";
import { productsInCollection } from "../catalog/catalog.server";
import type { SurpriseAudience } from "./audience";

// "What they bought" for a surprise's audience, from the catalogue room (0033): members with a
// paid, not cancelled order that has a line of a product of one of the types (case-insensitive),
// and one with a product in one of the collections; both filters given, both must hold.
// docs/decisions/0037-charity-and-surprises.md

/** Members who bought what the audience names (product types, collections). */
export type PurchaseFilter = (db: Db | Tx, shopId: string, audience: SurpriseAudience) => Promise<ReadonlySet<string>>;

const CHUNK = 500;

async function membersWhoBought(db: Db | Tx, shopId: string, productGids: readonly string[]): Promise<Set<string>> {
  const orderGids = new Set<string>();
  for (let i = 0; i < productGids.length; i += CHUNK) {
    const lines = await db.orderLine.findMany({ where: { shopId, productGid: { in: productGids.slice(i, i + CHUNK) } }, select: { orderGid: true }, distinct: ["orderGid"] });
    for (const l of lines) orderGids.add(l.orderGid);
  }
  const members = new Set<string>();
  const orders = [...orderGids];
  for (let i = 0; i < orders.length; i += CHUNK) {
    const rows = await db.orderRecord.findMany({ where: { shopId, orderGid: { in: orders.slice(i, i + CHUNK) }, paid: true, cancelled: false, memberId: { not: null } }, select: { memberId: true } });
    for (const r of rows) members.add(r.memberId!);
  }
  return members;
}

export const catalogPurchases: PurchaseFilter = async (db, shopId, audience: SurpriseAudience) => {
  const sets: Set<string>[] = [];
  if (audience.productTypes.length > 0) {
    const wanted = new Set(audience.productTypes.map((t) => t.trim().toLowerCase()));
    const products = await db.catalogProduct.findMany({ where: { shopId }, select: { productGid: true, productType: true } });
    sets.push(await membersWhoBought(db, shopId, products.filter((p) => wanted.has(p.productType.trim().toLowerCase())).map((p) => p.productGid)));
  }
  if (audience.collectionIds.length > 0) {
    sets.push(await membersWhoBought(db, shopId, await productsInCollection(db, shopId, audience.collectionIds)));
  }
  if (sets.length === 0) return new Set();
  return new Set([...sets[0]!].filter((id) => sets.every((s) => s.has(id))));
};
