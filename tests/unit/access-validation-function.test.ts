import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, coerceInputValue, execute, parse, validate, type GraphQLInputType, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { cartValidationsGenerateRun } from "../../extensions/kanta-access-validation/src";
import { MEMBERS, buildAccessValidationConfig, type AccessRule } from "../../app/loyalty/tiers/access";

// Kanta's Cart and Checkout Validation Function (extensions/kanta-access-validation, 0034):
// its input query validated against Shopify's Function schema
// functions_cart_checkout_validation_2026-07 (in @shopify/dev-mcp), its inputs produced by
// running that query over a cart with the schema and the configuration Kanta writes, and its
// outputs coerced to the target's result type, as Shopify would check them.

const dir = path.resolve("extensions/kanta-access-validation");
const raw = JSON.parse(gunzipSync(readFileSync(path.resolve("node_modules/@shopify/dev-mcp/dist/data/functions_cart_checkout_validation_2026-07.json.gz"))).toString("utf8")) as { data?: IntrospectionQuery } & IntrospectionQuery;
const schema = buildClientSchema(raw.data ?? raw);
const toml = readFileSync(path.join(dir, "shopify.extension.toml"), "utf8");
const QUERY = readFileSync(path.join(dir, "src", "cart_validations_generate_run.graphql"), "utf8");

const TIERS = [
  { name: "Bronze", rank: 0 },
  { name: "Silver", rank: 1 },
  { name: "Gold", rank: 2 },
  { name: "Platinum", rank: 3 },
];
const SET = { id: "gid://shopify/Product/101", title: "Icons: Orchid", handle: "orchid" };
const LAUNCH = { id: "gid://shopify/Product/202", title: "Spring launch set", handle: "spring" };
const ICONS = { id: "gid://shopify/Collection/9", title: "Icons", handle: "icons" };
const RULES: AccessRule[] = [
  { id: "exclusive", name: "VIP exclusive", products: [SET], collections: [], stages: [{ who: MEMBERS, from: null }], openFrom: null },
  { id: "launch", name: "Launch", products: [LAUNCH], collections: [ICONS], stages: [{ who: "Gold", from: "2026-05-12" }, { who: MEMBERS, from: "2026-05-15" }], openFrom: "2026-05-19" },
];
const CONFIG = buildAccessValidationConfig(RULES, TIERS, "Europe/Helsinki", "wholesale");

interface Buyer {
  tags: string[];
}
interface Line {
  product: { id: string; title: string; collections: string[] } | null;
}

/** The function's input as Shopify builds it: the input query run over a cart, with the configuration's variables. */
async function inputFor(buyer: Buyer | null, lines: Line[], date: string, config: unknown = CONFIG) {
  const rootValue = {
    shop: { localTime: { date } },
    cart: {
      buyerIdentity: {
        isAuthenticated: buyer !== null,
        customer: buyer ? { id: "gid://shopify/Customer/7001", hasTags: ({ tags }: { tags: string[] }) => tags.map((tag) => ({ tag, hasTag: buyer.tags.includes(tag) })) } : null,
      },
      lines: lines.map((l, i) => ({
        id: `gid://shopify/CartLine/${i + 1}`,
        merchandise: l.product
          ? {
              __typename: "ProductVariant",
              product: { id: l.product.id, title: l.product.title, inCollections: ({ ids }: { ids: string[] }) => ids.map((collectionId) => ({ collectionId, isMember: l.product!.collections.includes(collectionId) })) },
            }
          : { __typename: "CustomProduct" },
      })),
    },
    validation: { metafield: ({ namespace, key }: { namespace: string; key: string }) => (namespace === "$app:kanta" && key === "access-validation" && config !== null ? { jsonValue: config } : null) },
  };
  const variables = config && typeof config === "object" ? (config as Record<string, unknown>) : {};
  const result = await execute({ schema, document: parse(QUERY), rootValue, variableValues: { tags: [], collectionIds: [], ...variables } });
  expect(result.errors).toBeUndefined();
  return result.data as never;
}

function run(input: unknown) {
  const output = cartValidationsGenerateRun(input as never);
  const errors: string[] = [];
  coerceInputValue(output, schema.getType("CartValidationsGenerateRunResult") as GraphQLInputType, (p, _v, e) => errors.push(`${p.join(".")}: ${e.message}`));
  expect(errors).toEqual([]);
  return output.operations.flatMap((o) => o.validationAdd.errors.map((e) => e.message));
}

const line = (p: { id: string; title: string }, collections: string[] = []): Line => ({ product: { ...p, collections } });
const gold = { tags: ["kanta-tier-gold", "kanta-member"] };
const bronze = { tags: ["kanta-tier-bronze", "kanta-member"] };

describe("Kanta's Cart and Checkout Validation Function", () => {
  it("follows the 2026-07 template: its run target, exported, with an input query that validates against the Function schema", () => {
    expect(toml).toMatch(/^api_version = "2026-07"$/m);
    expect(toml).toContain('target = "cart.validations.generate.run"\n  input_query = "src/cart_validations_generate_run.graphql"\n  export = "cart-validations-generate-run"');
    expect(Object.keys(schema.getMutationType()!.getFields())).toContain("cartValidationsGenerateRun");
    expect(validate(schema, parse(QUERY)).map((e) => e.message)).toEqual([]);
    // A query Shopify would refuse is refused here too.
    expect(validate(schema, parse("query { cart { buyerIdentity { customer { tier } } } }")).length).toBeGreaterThan(0);
  });

  it("members-only: a guest and an excluded customer are stopped, any other signed-in customer buys", async () => {
    const cart = [line(SET)];
    expect(run(await inputFor(null, cart, "2026-06-01"))).toEqual(["Icons: Orchid is for members only."]);
    expect(run(await inputFor({ tags: ["wholesale"] }, cart, "2026-06-01"))).toEqual(["Icons: Orchid is for members only."]);
    expect(run(await inputFor({ tags: [] }, cart, "2026-06-01"))).toEqual([]);
    expect(run(await inputFor(bronze, cart, "2026-06-01"))).toEqual([]);
  });

  it("early access by the shop's date: Gold from 12 May, members from 15 May, everyone from 19 May; by product or collection", async () => {
    const cart = [line(LAUNCH)];
    expect(run(await inputFor(gold, cart, "2026-05-11"))).toEqual(["Spring launch set is in early access: open to everyone from 2026-05-19."]);
    expect(run(await inputFor(gold, cart, "2026-05-12"))).toEqual([]);
    expect(run(await inputFor(bronze, cart, "2026-05-14"))).toHaveLength(1);
    expect(run(await inputFor(bronze, cart, "2026-05-15"))).toEqual([]);
    expect(run(await inputFor(null, cart, "2026-05-18"))).toHaveLength(1);
    expect(run(await inputFor(null, cart, "2026-05-19"))).toEqual([]);
    // A product in the Icons collection is covered too; one not in it is not.
    const other = { id: "gid://shopify/Product/303", title: "Classic bricks" };
    expect(run(await inputFor(null, [line(other, [ICONS.id])], "2026-05-13"))).toEqual(["Classic bricks is in early access: open to everyone from 2026-05-19."]);
    expect(run(await inputFor(null, [line(other)], "2026-05-13"))).toEqual([]);
  });

  it("one error per line that may not be bought; custom lines and a broken configuration block nothing", async () => {
    expect(run(await inputFor(null, [line(SET), line(LAUNCH), { product: null }], "2026-05-13"))).toHaveLength(2);
    expect(run(await inputFor(null, [line(SET)], "2026-05-13", { version: 2, rules: "?" }))).toEqual([]);
    expect(run(await inputFor(null, [line(SET)], "2026-05-13", null))).toEqual([]); // no metafield at all
  });

  it("asks Shopify only about the tags and collections the rules name", () => {
    expect(CONFIG.tags.sort()).toEqual(["kanta-tier-gold", "kanta-tier-platinum", "wholesale"]);
    expect(CONFIG.collectionIds).toEqual([ICONS.id]);
  });
});
