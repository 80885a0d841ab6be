import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, coerceInputValue, execute, parse, validate, type GraphQLInputType, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { cartDeliveryOptionsDiscountsGenerateRun, cartLinesDiscountsGenerateRun } from "../../extensions/kanta-discount-function/src";
import { tierTag } from "../../app/loyalty/tiers/rules";

// Kanta's Discount Function (extensions/kanta-discount-function, docs/decisions/0029): its
// input queries validated against Shopify's Function schema functions_discount_2026-07 (in
// @shopify/dev-mcp), its inputs produced by running those queries over a cart with that
// schema, and its outputs coerced to the schema's result types, as Shopify would check them.

const dir = path.resolve("extensions/kanta-discount-function");
const raw = JSON.parse(gunzipSync(readFileSync(path.resolve("node_modules/@shopify/dev-mcp/dist/data/functions_discount_2026-07.json.gz"))).toString("utf8")) as { data?: IntrospectionQuery } & IntrospectionQuery;
const schema = buildClientSchema(raw.data ?? raw);
const toml = readFileSync(path.join(dir, "shopify.extension.toml"), "utf8");
const query = (name: string) => readFileSync(path.join(dir, "src", name), "utf8");

const CONFIG = { version: 1, freeShippingTiers: ["Gold"], freeShippingTags: [tierTag("Gold")] };

interface Buyer {
  tags: string[];
  tier: string | null;
}

/** The function's input as Shopify builds it: the input query run over a cart, with the configuration's variables. */
async function inputFor(file: string, buyer: Buyer | null, config: unknown = CONFIG, classes = ["SHIPPING"]) {
  const metafield = (value: unknown) => (value === null ? null : { value: JSON.stringify(value), jsonValue: value, type: "json" });
  const rootValue = {
    cart: {
      lines: [{ id: "gid://shopify/CartLine/1" }],
      deliveryGroups: [{ id: "gid://shopify/CartDeliveryGroup/1" }, { id: "gid://shopify/CartDeliveryGroup/2" }],
      buyerIdentity: buyer
        ? {
            customer: {
              id: "gid://shopify/Customer/7001",
              hasAnyTag: ({ tags }: { tags: string[] }) => tags.some((t) => buyer.tags.includes(t)),
              metafield: ({ namespace, key }: { namespace: string; key: string }) =>
                namespace === "$app:kanta" && key === "tier" && buyer.tier ? { value: buyer.tier, type: "single_line_text_field" } : null,
            },
          }
        : null,
    },
    discount: {
      discountClasses: classes,
      metafield: ({ namespace, key }: { namespace: string; key: string }) => (namespace === "$app:kanta" && key === "function-configuration" ? metafield(config) : null),
    },
  };
  const variables = config && typeof config === "object" ? (config as Record<string, unknown>) : {};
  const result = await execute({ schema, document: parse(query(file)), rootValue, variableValues: { freeShippingTags: [], ...variables } });
  expect(result.errors).toBeUndefined();
  return result.data as never;
}

/** Throws as Shopify would reject the output: coerced to the target's result input type. */
function checkOutput(typeName: string, output: unknown) {
  const type = schema.getType(typeName) as GraphQLInputType;
  const errors: string[] = [];
  coerceInputValue(output, type, (p, _v, e) => errors.push(`${p.join(".")}: ${e.message}`));
  expect(errors).toEqual([]);
}

const DELIVERY = "cart_delivery_options_discounts_generate_run.graphql";
const LINES = "cart_lines_discounts_generate_run.graphql";

describe("Kanta's Discount Function", () => {
  it("follows the 2026-07 template: both run targets, exported, with input queries that validate against the Function schema", () => {
    expect(toml).toMatch(/^api_version = "2026-07"$/m);
    const mutations = Object.keys(schema.getMutationType()!.getFields());
    for (const [target, file, exportName] of [
      ["cart.lines.discounts.generate.run", LINES, "cart-lines-discounts-generate-run"],
      ["cart.delivery-options.discounts.generate.run", DELIVERY, "cart-delivery-options-discounts-generate-run"],
    ] as const) {
      expect(toml).toContain(`target = "${target}"\n  input_query = "src/${file}"\n  export = "${exportName}"`);
      const field = target.replace(/[.-](\w)/g, (_m, c: string) => c.toUpperCase());
      expect(mutations).toContain(field);
      expect({ file, errors: validate(schema, parse(query(file))).map((e) => e.message) }).toEqual({ file, errors: [] });
    }
    // A query Shopify would refuse is refused here too.
    expect(validate(schema, parse("query { cart { buyerIdentity { customer { points } } } }")).length).toBeGreaterThan(0);
  });

  it("gives a Gold member free shipping on every delivery group, by tag or by tier metafield", async () => {
    for (const buyer of [
      { tags: [tierTag("Gold"), "vip"], tier: null },
      { tags: [], tier: "Gold" },
    ]) {
      const output = cartDeliveryOptionsDiscountsGenerateRun(await inputFor(DELIVERY, buyer));
      checkOutput("CartDeliveryOptionsDiscountsGenerateRunResult", output);
      expect(output.operations).toHaveLength(1);
      expect(output.operations[0]!.deliveryDiscountsAdd).toEqual({
        candidates: [
          {
            message: buyer.tier ? "Free shipping: Gold member" : "Free shipping: member perk",
            targets: [{ deliveryGroup: { id: "gid://shopify/CartDeliveryGroup/1" } }, { deliveryGroup: { id: "gid://shopify/CartDeliveryGroup/2" } }],
            value: { percentage: { value: 100 } },
          },
        ],
        selectionStrategy: "ALL",
      });
    }
  });

  it("gives nothing to guests, other tiers, a discount without the shipping class, or a broken configuration", async () => {
    const silver = { tags: [tierTag("Silver")], tier: "Silver" };
    const gold = { tags: [tierTag("Gold")], tier: "Gold" };
    const cases = [
      await inputFor(DELIVERY, null),
      await inputFor(DELIVERY, silver),
      await inputFor(DELIVERY, gold, CONFIG, ["ORDER"]),
      await inputFor(DELIVERY, gold, { version: 2, freeShippingTiers: ["Gold"] }),
      await inputFor(DELIVERY, gold, null),
      await inputFor(DELIVERY, gold, { version: 1, freeShippingTiers: "Gold", freeShippingTags: [] }),
    ];
    for (const input of cases) {
      const output = cartDeliveryOptionsDiscountsGenerateRun(input);
      checkOutput("CartDeliveryOptionsDiscountsGenerateRunResult", output);
      expect(output).toEqual({ operations: [] });
    }
  });

  it("adds no product or order discount (members' reward codes are native Shopify codes)", async () => {
    const output = cartLinesDiscountsGenerateRun(await inputFor(LINES, { tags: [tierTag("Gold")], tier: "Gold" }, CONFIG, ["ORDER", "PRODUCT"]));
    checkOutput("CartLinesDiscountsGenerateRunResult", output);
    expect(output).toEqual({ operations: [] });
  });

  it("the output check catches what Shopify would reject", () => {
    const errors: string[] = [];
    coerceInputValue({ operations: [{ deliveryDiscountsAdd: { candidates: [], selectionStrategy: "SOME" } }] }, schema.getType("CartDeliveryOptionsDiscountsGenerateRunResult") as GraphQLInputType, (_p, _v, e) =>
      errors.push(e.message),
    );
    expect(errors.join(" ")).toMatch(/SOME/);
  });
});
