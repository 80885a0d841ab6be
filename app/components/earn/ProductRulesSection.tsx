import { BlockStack, Button, InlineGrid, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

// The "Place an order" editor's "Products and collections" section (0033): rules that make
// chosen products or collections earn a multiplier, extra points per item, or nothing.
// Rows live in the form as JSON (`productRules`, parsed by app/loyalty/earn/purchase-form.ts).

export interface ProductRuleRowValue {
  targetType: "product" | "collection";
  targetGid: string;
  title: string;
  effect: "multiplier" | "extra" | "exclude";
  value: string;
}

interface Choice {
  gid: string;
  title: string;
}

const EFFECTS = [
  { label: "Multiply points", value: "multiplier" },
  { label: "Extra points per item", value: "extra" },
  { label: "Earns nothing", value: "exclude" },
];

function readRows(json: string): ProductRuleRowValue[] {
  try {
    const rows = JSON.parse(json) as unknown;
    return Array.isArray(rows) ? (rows as ProductRuleRowValue[]) : [];
  } catch {
    return [];
  }
}

export function ProductRulesSection(props: {
  rowsJson: string;
  onChange: (json: string) => void;
  catalog: { collections: Choice[]; products: Choice[] } | null;
  error?: string;
  /** Shopify's resource picker (App Bridge); absent in local mode, where the catalogue's list is the picker. */
  pick?: (type: "product" | "collection") => Promise<Choice | null>;
}) {
  const rows = readRows(props.rowsJson);
  const [target, setTarget] = useState("");
  const write = (next: ProductRuleRowValue[]) => props.onChange(JSON.stringify(next));
  const update = (i: number, patch: Partial<ProductRuleRowValue>) => write(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = (type: "product" | "collection", choice: Choice) => {
    write([...rows, { targetType: type, targetGid: choice.gid, title: choice.title, effect: "multiplier", value: "2" }]);
    setTarget("");
  };
  const collections = props.catalog?.collections ?? [];
  const products = props.catalog?.products ?? [];
  const options = [
    { label: "Choose a collection or product", value: "" },
    ...collections.map((c) => ({ label: `Collection: ${c.title}`, value: `collection|${c.gid}` })),
    ...products.map((p) => ({ label: `Product: ${p.title}`, value: `product|${p.gid}` })),
  ];
  const choose = (value: string) => {
    const [type, gid] = value.split("|") as ["product" | "collection", string];
    const choice = (type === "collection" ? collections : products).find((c) => c.gid === gid);
    if (choice) add(type, choice);
  };

  return (
    <BlockStack gap="300">
      <Text as="p" tone="subdued">
        Make chosen collections or products earn more (2x on Candles, or extra points per item) or nothing. The order's other items earn as above; a tier or campaign multiplier applies on top.
      </Text>
      {rows.length === 0 ? (
        <Text as="p">Every product earns the same.</Text>
      ) : (
        <BlockStack gap="200">
          {rows.map((row, i) => (
            <div key={`${row.targetGid}-${i}`} data-testid="product-rule-row">
              <InlineGrid columns={{ xs: 1, md: ["twoThirds", "oneThird"] }} gap="200" alignItems="end">
                <InlineGrid columns={{ xs: 1, sm: 2 }} gap="200" alignItems="end">
                  <Text as="p" fontWeight="semibold">
                    {`${row.targetType === "collection" ? "Collection" : "Product"}: ${row.title}`}
                  </Text>
                  <Select label="Effect" labelHidden options={EFFECTS} value={row.effect} onChange={(effect) => update(i, { effect: effect as ProductRuleRowValue["effect"], value: effect === "multiplier" ? "2" : effect === "extra" ? "10" : "" })} />
                </InlineGrid>
                <InlineStack gap="200" blockAlign="end" wrap={false}>
                  {row.effect !== "exclude" ? (
                    <TextField
                      label={row.effect === "multiplier" ? "Multiplier" : "Extra points"}
                      labelHidden
                      autoComplete="off"
                      inputMode="decimal"
                      value={row.value}
                      onChange={(value) => update(i, { value })}
                      suffix={row.effect === "multiplier" ? "x" : "per item"}
                    />
                  ) : null}
                  <Button variant="plain" tone="critical" onClick={() => write(rows.filter((_, j) => j !== i))} accessibilityLabel={`Remove ${row.title}`}>
                    Remove
                  </Button>
                </InlineStack>
              </InlineGrid>
            </div>
          ))}
        </BlockStack>
      )}
      {props.error ? (
        <Text as="p" tone="critical">
          {props.error}
        </Text>
      ) : null}
      {props.pick ? (
        <InlineStack gap="200">
          <Button onClick={() => void props.pick!("collection").then((c) => c && add("collection", c))}>Add a collection</Button>
          <Button onClick={() => void props.pick!("product").then((p) => p && add("product", p))}>Add a product</Button>
        </InlineStack>
      ) : (
        <Select label="Add" options={options} value={target} onChange={choose} helpText={props.catalog && options.length === 1 ? "Your catalogue is being read from Shopify: reload in a minute." : undefined} />
      )}
    </BlockStack>
  );
}
