import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, parse, validate, type DocumentNode, type GraphQLSchema, type IntrospectionQuery } from "graphql";

// Shopify's published Admin GraphQL schema (the introspection shipped in @shopify/dev-mcp),
// which the emulator (./emulator.server.ts) validates and executes every document against.

export const EMULATED_API_VERSION = "2026-07";

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
