import { BlockStack, IndexTable, InlineStack, Text } from "@shopify/polaris";
import { LedgerReason } from "./LedgerReason";

// The member page's points history: one row per ledger entry, its reason, source and the
// points (and pending points) it moved; condensed rows on a phone (the page shows the right
// one by width, ./ByWidth.tsx).

export interface LedgerRow {
  id: string;
  at: string;
  kind: string;
  note: string | null;
  points: number;
  pendingPoints: number;
  sourceGid: string | null;
  sourceName: string | null;
  actor: string;
}

/** Who or what an entry (or a manual tier change) came from. */
export function sourceLabel(entry: { sourceGid: string | null; sourceName: string | null; actor: string }): string {
  if (entry.sourceGid?.startsWith("gid://shopify/Order/")) return entry.sourceName ? `Order ${entry.sourceName}` : `Order ${entry.sourceGid.split("/").pop()}`;
  if (entry.actor === "local-demo") return "Staff (local demo)";
  if (entry.actor.startsWith("staff:")) return `Staff: ${entry.actor.slice("staff:".length)}`;
  if (entry.actor.startsWith("customer")) return "Customer";
  return "Kanta";
}

function signed(n: number, format: Intl.NumberFormat): string {
  return n > 0 ? `+${format.format(n)}` : format.format(n);
}

export function MemberLedgerTable({ ledger, dateTime, number, condensed }: { ledger: LedgerRow[]; dateTime: Intl.DateTimeFormat; number: Intl.NumberFormat; condensed: boolean }) {
  return (
    <IndexTable
      resourceName={{ singular: "entry", plural: "entries" }}
      itemCount={ledger.length}
      selectable={false}
      condensed={condensed}
      headings={[{ title: "When" }, { title: "Reason" }, { title: "Source" }, { title: "Points", alignment: "end" }]}
    >
      {ledger.map((entry, index) => {
        const reasonCell = (
          <LedgerReason kind={entry.kind} note={entry.note} />
        );
        const pointsCell = (
          <BlockStack gap="050" inlineAlign="end">
            {entry.points !== 0 ? (
              <Text as="span" alignment="end" numeric fontWeight="semibold" tone={entry.points < 0 ? "critical" : undefined}>
                {signed(entry.points, number)}
              </Text>
            ) : null}
            {entry.pendingPoints !== 0 ? (
              <Text as="span" alignment="end" numeric tone="subdued" variant="bodySm">
                {`${signed(entry.pendingPoints, number)} pending`}
              </Text>
            ) : null}
          </BlockStack>
        );
        if (condensed) {
          return (
            <IndexTable.Row id={entry.id} key={entry.id} position={index}>
              <div style={{ padding: "var(--p-space-300) var(--p-space-400)" }}>
                <InlineStack align="space-between" blockAlign="start" wrap={false} gap="200">
                  <BlockStack gap="100">
                    {reasonCell}
                    <Text as="span" tone="subdued" variant="bodySm">
                      {`${dateTime.format(new Date(entry.at))} · ${sourceLabel(entry)}`}
                    </Text>
                  </BlockStack>
                  {pointsCell}
                </InlineStack>
              </div>
            </IndexTable.Row>
          );
        }
        return (
          <IndexTable.Row id={entry.id} key={entry.id} position={index}>
            <IndexTable.Cell>{dateTime.format(new Date(entry.at))}</IndexTable.Cell>
            <IndexTable.Cell>{reasonCell}</IndexTable.Cell>
            <IndexTable.Cell>{sourceLabel(entry)}</IndexTable.Cell>
            <IndexTable.Cell>{pointsCell}</IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );
}
