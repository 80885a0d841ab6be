import { TypeInfo, getNamedType, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";
import type { EmulatedOrder } from "./emulator-types.server";

// Helpers the Admin API emulator's modules share (./emulator.server.ts): connections as
// Shopify answers them, their flattening into bulk JSONL, the order search syntax Kanta
// sends, and app-reserved metafield namespaces.

/** A connection's answer: both `edges { node }` and `nodes`, as Shopify offers them. */
export function connection<T>(nodes: T[]) {
  return {
    edges: nodes.map((node, i) => ({ node, cursor: Buffer.from(String(i)).toString("base64") })),
    nodes,
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  };
}

export function isConnectionValue(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as { edges?: unknown; nodes?: unknown };
  return Array.isArray(v.edges) || Array.isArray(v.nodes);
}

export function connectionNodes(value: Record<string, unknown>): Record<string, unknown>[] {
  if (Array.isArray(value.edges)) return (value.edges as { node: Record<string, unknown> }[]).map((e) => e.node);
  return value.nodes as Record<string, unknown>[];
}

/** One node's JSONL lines: itself without its connections, then each nested node with `__parentId`. */
export function flattenNode(node: Record<string, unknown>, parentId: string | null): string[] {
  const own: Record<string, unknown> = {};
  const nested: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (isConnectionValue(value)) nested.push(value);
    else own[key] = value;
  }
  if (parentId) own.__parentId = parentId;
  const lines = [JSON.stringify(own)];
  for (const child of nested) {
    if (typeof node.id !== "string") throw new Error("Bulk queries need the id of a node that has a nested connection.");
    for (const childNode of connectionNodes(child)) lines.push(...flattenNode(childNode, node.id));
  }
  return lines;
}

/** How many connection fields a query selects and how deep they nest. */
export function connectionShape(schema: GraphQLSchema, document: DocumentNode): { count: number; depth: number } {
  const typeInfo = new TypeInfo(schema);
  let depth = 0;
  let max = 0;
  let count = 0;
  const isConnection = () => getNamedType(typeInfo.getType())?.name.endsWith("Connection") ?? false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter() {
          if (!isConnection()) return;
          count++;
          depth++;
          max = Math.max(max, depth);
        },
        leave() {
          if (isConnection()) depth--;
        },
      },
    }),
  );
  return { count, depth: max };
}

/**
 * Shopify's order search syntax, reduced to what Kanta sends: `created_at` and
 * `processed_at` compared with a date (>=, >, <=, <, :). Anything else is refused, so a
 * test cannot pass on a filter the emulator silently ignored.
 */
export function matchesOrderQuery(order: EmulatedOrder, query: string | undefined): boolean {
  if (!query?.trim()) return true;
  return query
    .trim()
    .split(/\s+(?:AND\s+)?/)
    .every((term) => {
      const m = /^(created_at|processed_at):(>=|<=|>|<)?(\S+)$/.exec(term);
      if (!m) throw new Error(`The emulator does not support the order search term ${JSON.stringify(term)}`);
      const value = m[1] === "created_at" ? order.createdAt : (order.processedAt ?? order.createdAt);
      const bound = Date.parse(m[3]!.replace(/^'|'$/g, ""));
      if (Number.isNaN(bound)) throw new Error(`Invalid date in order search: ${term}`);
      const t = value.getTime();
      switch (m[2]) {
        case ">=":
          return t >= bound;
        case ">":
          return t > bound;
        case "<=":
          return t <= bound;
        case "<":
          return t < bound;
        default:
          return t >= bound && t < bound + 86_400_000;
      }
    });
}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `$app:kanta` -> `app--kanta--kanta`: Shopify stores app-reserved namespaces under the app's id. */
export function resolveAppNamespace(namespace: string): string {
  if (namespace === "$app") return "app--kanta";
  return namespace.startsWith("$app:") ? `app--kanta--${namespace.slice("$app:".length)}` : namespace;
}
