import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import type { TextRow, TextsActionResult } from "../../loyalty/i18n/texts-page";
import { showToast } from "../showToast";

const GROUP_LABELS: Record<string, string> = {
  launcher: "Launcher",
  general: "General",
  member: "Member",
  guest: "Guests",
  sections: "Section titles",
  rewards: "Rewards",
  ways: "Ways to earn",
  referral: "Referrals",
  activity: "Activity",
  errors: "Errors",
  tiers: "Tiers",
};

/** Every text of one language, a group at a time: the built-in words, the override, reset. */
export function TextsCard({ language, texts }: { language: string; texts: TextRow[] }) {
  const groups = useMemo(() => [...new Set(texts.map((t) => t.group))], [texts]);
  const [group, setGroup] = useState(groups.includes("rewards") ? "rewards" : groups[0]!);
  const [query, setQuery] = useState("");
  const q = query.trim().toLowerCase();
  const shown = texts.filter((t) => (q ? `${t.key} ${t.builtIn} ${t.override ?? ""}`.toLowerCase().includes(q) : t.group === group));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Texts
        </Text>
        <InlineStack gap="300" wrap>
          <Box minWidth="200px">
            <Select label="Group" options={groups.map((g) => ({ label: GROUP_LABELS[g] ?? g, value: g }))} value={group} onChange={setGroup} disabled={Boolean(q)} />
          </Box>
          <Box minWidth="260px">
            <TextField label="Search all texts" value={query} onChange={setQuery} autoComplete="off" clearButton onClearButtonClick={() => setQuery("")} />
          </Box>
        </InlineStack>
        <BlockStack gap="400">
          {shown.map((t) => (
            <TextRowEditor key={t.key} language={language} row={t} />
          ))}
          {shown.length === 0 && <Text as="p" tone="subdued">No text matches.</Text>}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

function TextRowEditor({ language, row }: { language: string; row: TextRow }) {
  const fetcher = useFetcher<TextsActionResult>();
  const [value, setValue] = useState(row.override ?? row.builtIn);
  useEffect(() => setValue(row.override ?? row.builtIn), [row.override, row.builtIn]);
  const result = fetcher.data?.target === row.key ? fetcher.data : undefined;
  useEffect(() => {
    if (result?.ok && fetcher.state === "idle") showToast(result.intent === "reset" ? "Text reset" : "Text saved");
  }, [result, fetcher.state]);
  const changed = value !== (row.override ?? row.builtIn);
  const busy = fetcher.state !== "idle";
  const submit = (intent: "text" | "reset") => fetcher.submit({ intent, language, key: row.key, text: value }, { method: "post" });
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center">
        <Text as="span" variant="bodySm" tone="subdued">
          {row.key}
        </Text>
        {row.override !== null && <Badge tone="info">Changed</Badge>}
      </InlineStack>
      <TextField
        label={row.key}
        labelHidden
        value={value}
        onChange={setValue}
        autoComplete="off"
        multiline={row.builtIn.length > 60 ? 2 : undefined}
        error={result && !result.ok ? result.message : undefined}
        helpText={row.override !== null ? `Built in: ${row.builtIn}` : row.placeholders.length ? `Keep ${row.placeholders.map((p) => `{${p}}`).join(", ")}` : undefined}
        connectedRight={
          <InlineStack gap="100" wrap={false}>
            <Button onClick={() => submit("text")} disabled={!changed || busy} loading={busy && fetcher.formData?.get("intent") === "text"}>
              Save
            </Button>
            {row.override !== null && (
              <Button variant="plain" onClick={() => submit("reset")} disabled={busy}>
                Reset
              </Button>
            )}
          </InlineStack>
        }
      />
    </BlockStack>
  );
}
