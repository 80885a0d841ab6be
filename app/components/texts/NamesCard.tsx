import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { NameRow, TextsActionResult } from "../../loyalty/i18n/texts-page";
import { showToast } from "../showToast";

const KIND: Record<NameRow["entity"], string> = { reward: "Reward", earn_rule: "Way to earn", tier: "VIP tier" };

/** The merchant's names of rewards, ways to earn and tiers in one language (blank: as typed). */
export function NamesCard({ language, names }: { language: string; names: NameRow[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Names in this language
        </Text>
        <Text as="p" tone="subdued">
          Shoppers reading this language see these names; left blank, they see the name as you wrote it.
        </Text>
        {names.length === 0 && <Text as="p">No rewards, ways to earn or tiers yet.</Text>}
        {names.map((n) => (
          <NameEditor key={`${n.entity}:${n.id}`} language={language} row={n} />
        ))}
      </BlockStack>
    </Card>
  );
}

function NameEditor({ language, row }: { language: string; row: NameRow }) {
  const fetcher = useFetcher<TextsActionResult>();
  const [value, setValue] = useState(row.translation ?? "");
  const target = `${row.entity}:${row.id}`;
  const result = fetcher.data?.target === target ? fetcher.data : undefined;
  useEffect(() => {
    if (result?.ok && fetcher.state === "idle") showToast("Name saved");
  }, [result, fetcher.state]);
  const busy = fetcher.state !== "idle";
  return (
    <TextField
      label={
        <InlineStack gap="200" blockAlign="center">
          <Badge>{KIND[row.entity]}</Badge>
          <Text as="span">{row.name}</Text>
        </InlineStack>
      }
      value={value}
      placeholder={row.name}
      onChange={setValue}
      autoComplete="off"
      error={result && !result.ok ? result.message : undefined}
      connectedRight={
        <Button onClick={() => fetcher.submit({ intent: "name", language, entity: row.entity, id: row.id, name: value }, { method: "post" })} disabled={busy || value === (row.translation ?? "")} loading={busy}>
          Save
        </Button>
      }
    />
  );
}
