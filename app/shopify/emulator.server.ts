import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  execute,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import type { AdminGraphql } from "./graphql";

// A local stand-in for Shopify's Admin GraphQL API, for local mode and tests only.
// Every document is parsed and validated against Shopify's published Admin schema (the
// introspection shipped in @shopify/dev-mcp), then executed by graphql-js against that
// same schema, so responses are type-checked too: an emulated answer Shopify could not give
// (a wrong enum, a missing non-null field) fails here just as a wrong query does.

export const EMULATED_API_VERSION = "2026-07";

export interface EmulatedShop {
  name: string;
  myshopifyDomain: string;
  currencyCode: string;
  ianaTimezone: string;
}

export interface EmulatedDiscount {
  id: string;
  typename: "DiscountCodeBasic" | "DiscountCodeFreeShipping";
  code: string;
  title: string;
  /** The mutation's input, as Shopify received it (validated against the schema). */
  input: Record<string, unknown>;
  createdAt: Date;
}

export class EmulatorError extends Error {
  override name = "EmulatorError";
}

export function findAdminSchemaFile(version = EMULATED_API_VERSION, from = process.cwd()): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, "node_modules", "@shopify", "dev-mcp", "dist", "data", `admin_${version}.json.gz`);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new EmulatorError(`Shopify's Admin schema ${version} not found: run npm ci (it ships in @shopify/dev-mcp)`);
    }
    dir = parent;
  }
}

let schemaCache: GraphQLSchema | undefined;

export function loadAdminSchema(): GraphQLSchema {
  if (!schemaCache) {
    const json = JSON.parse(gunzipSync(readFileSync(findAdminSchemaFile())).toString("utf8")) as {
      data: IntrospectionQuery;
    };
    schemaCache = buildClientSchema(json.data);
  }
  return schemaCache;
}

/** Validation errors of a document against the Admin schema (empty when valid). */
export function validateAdminDocument(source: string): string[] {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (error) {
    return [String(error)];
  }
  return validate(loadAdminSchema(), document).map((e) => e.message);
}

type Resolver = (args: Record<string, unknown>, shop: EmulatedShop) => unknown;

export class AdminEmulator {
  private shops = new Map<string, EmulatedShop>();
  private discountsByShop = new Map<string, EmulatedDiscount[]>();
  private nextId = 1_000_000_000_000;
  private failures = new Map<string, { message: string; times: number }>();
  readonly calls: { shop: string; operationName: string; variables: Record<string, unknown> }[] = [];

  constructor(private readonly schema: GraphQLSchema) {}

  addShop(shop: EmulatedShop) {
    this.shops.set(shop.myshopifyDomain, shop);
  }

  /** Makes the next `times` calls of an operation fail as Shopify would with a 5xx. */
  failNext(operationName: string, message = "Internal error", times = 1) {
    this.failures.set(operationName, { message, times });
  }

  /** Discounts created for a shop (tests inspect what Kanta asked Shopify for). */
  discounts(shopDomain: string): EmulatedDiscount[] {
    return [...(this.discountsByShop.get(shopDomain) ?? [])];
  }

  private createDiscount(
    shop: EmulatedShop,
    typename: EmulatedDiscount["typename"],
    input: Record<string, unknown>,
  ) {
    // The checks Shopify makes that Kanta relies on; the schema already checked the shape.
    const userErrors: { field: string[]; message: string; code: string }[] = [];
    const code = typeof input.code === "string" ? input.code : "";
    const list = this.discountsByShop.get(shop.myshopifyDomain) ?? [];
    if (!code) userErrors.push({ field: ["basicCodeDiscount", "code"], message: "Code can't be blank", code: "BLANK" });
    if (list.some((d) => d.code.toUpperCase() === code.toUpperCase())) {
      userErrors.push({ field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" });
    }
    const startsAt = input.startsAt ? Date.parse(String(input.startsAt)) : Date.now();
    if (input.endsAt && Date.parse(String(input.endsAt)) <= startsAt) {
      userErrors.push({ field: ["basicCodeDiscount", "endsAt"], message: "Ends at needs to be after starts_at", code: "INVALID" });
    }
    const value = (input.customerGets as { value?: Record<string, unknown> } | undefined)?.value;
    if (value && typeof value.percentage === "number" && (value.percentage <= 0 || value.percentage > 1)) {
      userErrors.push({ field: ["basicCodeDiscount", "customerGets", "value", "percentage"], message: "Value must be between 0.0 and 1.0", code: "VALUE_OUTSIDE_RANGE" });
    }
    if (userErrors.length) return { codeDiscountNode: null, userErrors };
    const id = `gid://shopify/DiscountCodeNode/${this.nextId++}`;
    const discount: EmulatedDiscount = { id, typename, code, title: String(input.title ?? ""), input, createdAt: new Date() };
    list.push(discount);
    this.discountsByShop.set(shop.myshopifyDomain, list);
    return { codeDiscountNode: this.discountNode(discount), userErrors: [] };
  }

  private discountNode(discount: EmulatedDiscount) {
    return {
      id: discount.id,
      codeDiscount: {
        __typename: discount.typename,
        title: discount.title,
        codes: () => ({ nodes: [{ code: discount.code }] }),
      },
    };
  }

  private resolvers(): Record<string, Resolver> {
    return {
      shop: (_args, shop) => ({ ...shop }),
      discountCodeBasicCreate: (args, shop) =>
        this.createDiscount(shop, "DiscountCodeBasic", args.basicCodeDiscount as Record<string, unknown>),
      discountCodeFreeShippingCreate: (args, shop) =>
        this.createDiscount(shop, "DiscountCodeFreeShipping", args.freeShippingCodeDiscount as Record<string, unknown>),
      codeDiscountNodeByCode: (args, shop) => {
        const found = (this.discountsByShop.get(shop.myshopifyDomain) ?? []).find(
          (d) => d.code.toUpperCase() === String(args.code).toUpperCase(),
        );
        return found ? this.discountNode(found) : null;
      },
    };
  }

  async execute(shopDomain: string, source: string, variables: Record<string, unknown> = {}) {
    const shop = this.shops.get(shopDomain);
    if (!shop) return { status: 401, body: { errors: [{ message: `[API] Invalid API key or access token (unrecognized login or wrong password)` }] } };
    let document: DocumentNode;
    try {
      document = parse(source);
    } catch (error) {
      return { status: 200, body: { errors: [{ message: String(error) }] } };
    }
    const errors = validate(this.schema, document);
    if (errors.length) return { status: 200, body: { errors: errors.map((e) => ({ message: e.message })) } };
    const operationName = getOperationAST(document)?.name?.value ?? "(anonymous)";
    this.calls.push({ shop: shopDomain, operationName, variables });
    const failure = this.failures.get(operationName);
    if (failure && failure.times > 0) {
      failure.times--;
      return { status: 500, body: { errors: [{ message: failure.message }] } };
    }
    const resolvers = this.resolvers();
    const rootValue: Record<string, unknown> = {};
    for (const [field, resolve] of Object.entries(resolvers)) {
      rootValue[field] = (args: Record<string, unknown>) => resolve(args, shop);
    }
    const result = await execute({ schema: this.schema, document, rootValue, variableValues: variables });
    const body: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors?.length) body.errors = result.errors.map((e) => ({ message: e.message, path: e.path }));
    return { status: 200, body };
  }

  /** An `admin.graphql`-shaped client for one shop. */
  client(shopDomain: string): AdminGraphql {
    return async (query, options) => {
      const { status, body } = await this.execute(shopDomain, query, options?.variables ?? {});
      return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    };
  }
}

export const DEMO_SHOP: EmulatedShop = {
  name: "Kanta Demo",
  myshopifyDomain: "kanta-demo.myshopify.com",
  currencyCode: "EUR",
  ianaTimezone: "Europe/Helsinki",
};

declare global {
   
  var kantaEmulator: AdminEmulator | undefined;
}

export async function getEmulator(): Promise<AdminEmulator> {
  if (!globalThis.kantaEmulator) {
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop(DEMO_SHOP);
    globalThis.kantaEmulator = emulator;
  }
  return globalThis.kantaEmulator;
}
