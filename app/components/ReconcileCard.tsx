import { Badge, BlockStack, InlineStack, Link, List, Text } from "@shopify/polaris";
import { SectionCard } from "./SectionCard";

/** The latest nightly reconciliation, as Home's loader gives it (dates as JSON strings). */
export interface ReconcileCardRun {
  status: string;
  startedAt: string | Date;
  finishedAt: string | Date | null;
  membersChecked: number;
  ordersChecked: number;
  differenceCount: number;
  differences: { kind: string; memberId: string | null; orderGid: string | null; expected: string; actual: string }[];
}

/** Home: did last night's proof find every balance and order as the ledger and the rules say? */
export function ReconcileCard({ run, timeZone }: { run: ReconcileCardRun; timeZone: string }) {
  const when = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(run.finishedAt ?? run.startedAt));
  const number = new Intl.NumberFormat("en");
  const clean = run.status === "done" && run.differenceCount === 0;
  const badge = run.status === "failed" ? <Badge tone="warning">Did not finish</Badge> : clean ? <Badge tone="success">All match</Badge> : <Badge tone="critical">{`${number.format(run.differenceCount)} to check`}</Badge>;
  return (
    <SectionCard title={<InlineStack gap="200" blockAlign="center">{"Balance check"}{badge}</InlineStack>}>
      <Text as="p" tone="subdued">
        {run.status === "failed"
          ? `The check started ${when} did not finish; it runs again within a day. The logs say why.`
          : `${when}: ${number.format(run.membersChecked)} members' points checked against their history, and ${number.format(run.ordersChecked)} orders against your earning rules.`}
      </Text>
      {run.differenceCount > 0 ? (
        <BlockStack gap="200">
          <Text as="p">Kanta changed nothing. These need a look (the logs have every one, with what was expected):</Text>
          <List>
            {run.differences.map((d, i) => (
              <List.Item key={i}>
                {d.kind === "balance" ? "Points balance differs from the member's history" : `Order ${d.orderGid?.split("/").pop() ?? ""}: points differ from the earning rules`}
                {d.memberId ? (
                  <>
                    {" · "}
                    <Link url={`/app/members/${d.memberId}`}>member</Link>
                  </>
                ) : null}
              </List.Item>
            ))}
          </List>
        </BlockStack>
      ) : null}
    </SectionCard>
  );
}
