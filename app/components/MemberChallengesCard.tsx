import { Badge, BlockStack, InlineStack, Layout, ProgressBar, Text } from "@shopify/polaris";
import { describeGoal } from "../loyalty/challenges/form";
import { formatMoney } from "../loyalty/ledger/money";
import { SectionCard } from "./SectionCard";

// The member page's badges and challenges (0035).

interface MemberChallengesData {
  currencyCode: string;
  badges: { id: string; name: string; glyph: string; description: string; awardedAt: string }[];
  challenges: { id: string; name: string; kind: string; progress: number; target: number; completedAt: string | null }[];
}

export function MemberChallengesCard({ data }: { data: MemberChallengesData | null }) {
  if (!data || (data.badges.length === 0 && data.challenges.length === 0)) return null;
  const amount = (kind: string, n: number) => (kind === "spend" ? formatMoney(n, data.currencyCode) : n.toLocaleString("en"));
  return (
    <Layout.Section>
      <SectionCard title="Challenges and badges">
        {data.badges.length > 0 ? (
          <InlineStack gap="200" wrap>
            {data.badges.map((b) => (
              <Badge key={b.id} tone="info">{`${b.glyph} ${b.name}`}</Badge>
            ))}
          </InlineStack>
        ) : (
          <Text as="p" tone="subdued">No badges yet.</Text>
        )}
        {data.challenges.map((c) => (
          <BlockStack key={c.id} gap="100">
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Text as="span" fontWeight="semibold">{c.name}</Text>
              {c.completedAt ? <Badge tone="success">Completed</Badge> : <Text as="span" tone="subdued" numeric>{`${amount(c.kind, c.progress)} of ${amount(c.kind, c.target)}`}</Text>}
            </InlineStack>
            <ProgressBar progress={c.completedAt ? 100 : Math.min(100, Math.floor((c.progress * 100) / Math.max(1, c.target)))} size="small" tone={c.completedAt ? "success" : "primary"} />
            <Text as="span" tone="subdued" variant="bodySm">{describeGoal(c.kind, c.target, data.currencyCode)}</Text>
          </BlockStack>
        ))}
      </SectionCard>
    </Layout.Section>
  );
}
