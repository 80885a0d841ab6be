import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Button, Checkbox, Divider, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { TierMembershipConfig } from "../../loyalty/tiers/paid";
import { SectionCard } from "../SectionCard";

// "Paid tiers" on the VIP tiers page (docs/decisions/0032): a tier sold as a membership
// product, for how long one purchase holds it, and whether spend can also reach it.

interface PaidTier {
  id: string;
  name: string;
  rank: number;
  membership: TierMembershipConfig | null;
  paying: number;
}

function PaidTierRow({ tier }: { tier: PaidTier }) {
  const shopify = useAppBridge();
  // What /app/tiers/membership answers.
  const fetcher = useFetcher<{ ok: true; message: string } | { ok: false; errors: Record<string, string> }>();
  const m = tier.membership;
  const [paid, setPaid] = useState(m !== null);
  const [products, setProducts] = useState([...(m?.productGids ?? []), ...(m?.variantGids ?? [])].join(", "));
  const [months, setMonths] = useState(String(m?.months ?? 12));
  const [paidOnly, setPaidOnly] = useState(m?.paidOnly ?? true);
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) shopify.toast.show(fetcher.data.message);
  }, [fetcher.state, fetcher.data, shopify]);
  const pick = async () => {
    const selection = await shopify.resourcePicker({ type: "product", action: "select", multiple: true });
    if (selection?.length) setProducts(selection.map((p) => p.id).join(", "));
  };
  const save = () => fetcher.submit({ tierId: tier.id, paid: String(paid), products, months, paidOnly: String(paidOnly) }, { method: "post", action: "/app/tiers/membership" });
  return (
    <BlockStack gap="300">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {tier.name}
        </Text>
        {tier.paying > 0 ? (
          <Text as="span" tone="subdued">
            {tier.paying} paying {tier.paying === 1 ? "member" : "members"}
          </Text>
        ) : null}
      </InlineStack>
      <Checkbox label={`Sell ${tier.name} as a membership`} checked={paid} onChange={setPaid} helpText="Buying the product puts the customer in this tier until the period ends; a refund or cancellation ends it." />
      {paid ? (
        <FormLayout>
          <InlineStack gap="200" blockAlign="end" wrap={false}>
            <div style={{ flex: 1 }}>
              <TextField label="Membership product" value={products} onChange={setProducts} autoComplete="off" placeholder="Choose a product" error={errors.products} helpText="A subscription's renewal orders of the same product extend it." />
            </div>
            <Button onClick={pick}>Choose</Button>
          </InlineStack>
          <TextField label="One purchase holds the tier for" type="number" min={1} max={120} suffix="months" value={months} onChange={setMonths} autoComplete="off" error={errors.months} />
          <Checkbox label="Only by buying it" checked={paidOnly} onChange={setPaidOnly} helpText="Spend never reaches this tier." />
        </FormLayout>
      ) : null}
      {errors.form ? (
        <Text as="p" tone="critical">
          {errors.form}
        </Text>
      ) : null}
      <InlineStack align="end">
        <Button onClick={save} loading={fetcher.state !== "idle"}>
          {`Save ${tier.name}`}
        </Button>
      </InlineStack>
    </BlockStack>
  );
}

export function PaidTiersCard({ tiers }: { tiers: PaidTier[] }) {
  const sellable = tiers.filter((t) => t.rank > 0);
  if (sellable.length === 0) return null;
  return (
    <SectionCard title="Paid tiers" gap="400">
      {sellable.map((tier, i) => (
        <BlockStack key={tier.id} gap="400">
          {i > 0 ? <Divider /> : null}
          <PaidTierRow tier={tier} />
        </BlockStack>
      ))}
    </SectionCard>
  );
}
