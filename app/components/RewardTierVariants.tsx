import {
  BlockStack,
  Checkbox,
  InlineError,
  InlineGrid,
  Select,
  Text,
  TextField,
  useBreakpoints,
} from "@shopify/polaris";
import { REWARD_TYPE_INFO, type RewardType } from "../loyalty/rewards/rewards";
import { variantTypesFor } from "../loyalty/rewards/tier-variants";
import type { TierVariantFormRow } from "../loyalty/rewards/tier-variants-form";

// The reward editor's "Different per tier" table (docs/decisions/0032): one row per tier,
// each empty field meaning "as the tier below" (the reward's own terms for the first).

interface Props {
  type: RewardType;
  tiers: { name: string; rank: number }[];
  rows: TierVariantFormRow[];
  onChange: (rows: TierVariantFormRow[]) => void;
  currencySymbol: string;
  error?: string;
}

const emptyRow = (rank: number): TierVariantFormRow => ({
  rank: String(rank),
  pointsCost: "",
  type: "",
  value: "",
  percentOff: "",
});

export function RewardTierVariants({
  type,
  tiers,
  rows,
  onChange,
  currencySymbol,
  error,
}: Props) {
  const types = variantTypesFor(type);
  // Wide: a table with one header row. Narrow: each field labelled with its tier.
  const { smUp } = useBreakpoints();
  if (types.length === 0 || tiers.length < 2) return null;
  const on = rows.length > 0;
  const rowFor = (rank: number) =>
    rows.find((r) => r.rank === String(rank)) ?? emptyRow(rank);
  const update = (rank: number, patch: Partial<TierVariantFormRow>) => {
    const next = tiers.map((t) =>
      t.rank === rank ? { ...rowFor(t.rank), ...patch } : rowFor(t.rank)
    );
    onChange(next);
  };
  const typeOptions = [
    {
      label: `Same (${REWARD_TYPE_INFO[type].label.toLowerCase()})`,
      value: "",
    },
    ...types
      .filter((t) => t !== type)
      .map((t) => ({ label: REWARD_TYPE_INFO[t].label, value: t })),
  ];
  return (
    <BlockStack gap="300">
      <Checkbox
        label="Different per tier"
        checked={on}
        onChange={(checked) =>
          onChange(checked ? tiers.map((t) => rowFor(t.rank)) : [])
        }
        helpText="A tier can pay a different number of points, or get a different reward. Empty fields: as the tier below."
      />
      {on ? (
        <BlockStack gap="200">
          {smUp ? (
            <InlineGrid columns={{ xs: 1, sm: 4 }} gap="200">
              <Text as="span" variant="bodySm" tone="subdued">
                Tier
              </Text>
              <Text as="span" variant="bodySm" tone="subdued">
                Cost
              </Text>
              <Text as="span" variant="bodySm" tone="subdued">
                {types.length > 1 ? "Reward" : ""}
              </Text>
              <Text as="span" variant="bodySm" tone="subdued">
                Amount or percentage
              </Text>
            </InlineGrid>
          ) : null}
          {tiers.map((tier) => {
            const row = rowFor(tier.rank);
            const effective = (row.type || type) as RewardType;
            return (
              <InlineGrid
                key={tier.rank}
                columns={{ xs: 1, sm: 4 }}
                gap="200"
                alignItems="center"
              >
                <Text as="p" fontWeight="semibold">
                  {tier.name}
                </Text>
                <TextField
                  label={`${tier.name}: cost`}
                  labelHidden={smUp}
                  type="number"
                  min={1}
                  suffix="points"
                  placeholder="Same"
                  autoComplete="off"
                  value={row.pointsCost}
                  onChange={(pointsCost) => update(tier.rank, { pointsCost })}
                />
                {types.length > 1 ? (
                  <Select
                    labelHidden={smUp}
                    label={`${tier.name}: reward`}
                    options={typeOptions}
                    value={row.type}
                    onChange={(t) => update(tier.rank, { type: t })}
                  />
                ) : (
                  <span />
                )}
                {effective === "percent_off" ? (
                  <TextField
                    labelHidden={smUp}
                    label={`${tier.name}: percentage`}
                    type="number"
                    min={1}
                    max={100}
                    suffix="%"
                    placeholder="Same"
                    autoComplete="off"
                    value={row.percentOff}
                    onChange={(percentOff) => update(tier.rank, { percentOff })}
                  />
                ) : effective === "amount_off" ||
                  effective === "store_credit" ? (
                  <TextField
                    labelHidden={smUp}
                    label={`${tier.name}: amount`}
                    inputMode="decimal"
                    prefix={currencySymbol}
                    placeholder="Same"
                    autoComplete="off"
                    value={row.value}
                    onChange={(value) => update(tier.rank, { value })}
                  />
                ) : (
                  <span />
                )}
              </InlineGrid>
            );
          })}
        </BlockStack>
      ) : null}
      {error ? <InlineError message={error} fieldID="tierVariants" /> : null}
    </BlockStack>
  );
}
