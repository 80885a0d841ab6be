import { useFetcher, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Box, Button, Card, Checkbox, FormLayout, InlineStack, ProgressBar, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { MAX_ENROL_ORDER_DAYS, enrolmentPhaseLabel, type EnrolmentActionResult, type EnrolmentCard, type EnrolmentRunView } from "../../loyalty/members/existing-customers";
import { SettingsSection } from "./SettingsSection";

// Settings' "Existing customers": enrol the customers the shop already has (app/loyalty/members/existing-customers*).

function formatCount(n: number): string {
  return n.toLocaleString("en");
}

function runBadge(status: string) {
  if (status === "done") return <Badge tone="success">Done</Badge>;
  if (status === "failed") return <Badge tone="critical">Failed</Badge>;
  if (status === "running") return <Badge tone="info">Running</Badge>;
  return <Badge tone="attention">Waiting to start</Badge>;
}

function RunFigures({ run }: { run: EnrolmentRunView }) {
  const rows: [string, string][] = [
    ["New members", formatCount(run.enrolled)],
    ["Already members", formatCount(run.alreadyMembers)],
    ["Skipped (excluded tags)", formatCount(run.excludedSkipped)],
  ];
  if (run.options.orderDays > 0) {
    rows.push([`Past orders counted (last ${run.options.orderDays} days)`, formatCount(run.ordersCounted)]);
    if (run.options.awardPoints) rows.push(["Points awarded for them", formatCount(run.pointsAwarded)]);
  }
  return (
    <BlockStack gap="100">
      {rows.map(([label, value]) => (
        <InlineStack key={label} align="space-between" blockAlign="center" gap="200" wrap={false}>
          <Text as="span" tone="subdued">
            {label}
          </Text>
          <Text as="span" fontWeight="semibold" numeric>
            {value}
          </Text>
        </InlineStack>
      ))}
    </BlockStack>
  );
}

/** "Existing customers": the enrolment's options, its progress (polled while it runs) and the last run's figures. */
export function EnrolmentSection({ card }: { card: EnrolmentCard }) {
  const fetcher = useFetcher<EnrolmentActionResult>();
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [days, setDays] = useState(String(card.options.orderDays));
  const [awardPoints, setAwardPoints] = useState(card.options.awardPoints);
  const [signupBonus, setSignupBonus] = useState(card.options.signupBonus);
  const active = card.active;
  const errors: { enrolOrderDays?: string } = fetcher.data && !fetcher.data.ok && "errors" in fetcher.data ? fetcher.data.errors : {};
  const starting = fetcher.state !== "idle";

  // Progress lives in the database: polling while a run is active survives reloads.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) shopify.toast.show(fetcher.data.message);
    else shopify.toast.show("Enrolment didn't start. Check the highlighted field.", { isError: true });
  }, [fetcher.state, fetcher.data, shopify]);

  const start = () =>
    fetcher.submit({ intent: "enrol", enrolOrderDays: days, enrolAwardPoints: awardPoints ? "on" : "", enrolSignupBonus: signupBonus ? "on" : "" }, { method: "post" });
  const countsOrders = days.trim() !== "" && days.trim() !== "0";
  const progress = active && active.phaseTotal ? Math.min(100, Math.round(((active.phase === "customers" ? active.customersSeen : active.ordersSeen) / Math.max(1, active.phaseTotal)) * 100)) : null;

  return (
    <SettingsSection title="Existing customers" description="Kanta enrols the customers your shop already has, and can place them in tiers by what they ordered recently. It runs when the app is installed; run it again at any time: nobody is enrolled or paid twice.">
      <Card roundedAbove="sm">
        <BlockStack gap="400">
          {active ? (
            <BlockStack gap="200">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  {enrolmentPhaseLabel(active.phase)}
                </Text>
                {runBadge(active.status)}
              </InlineStack>
              <ProgressBar progress={progress ?? 0} size="small" tone="primary" animated ariaLabelledBy="enrolment-progress" />
              <Text as="p" tone="subdued" id="enrolment-progress">
                {active.phase === "customers"
                  ? `${formatCount(active.customersSeen)}${active.phaseTotal ? ` of ${formatCount(active.phaseTotal)}` : ""} customers read, ${formatCount(active.enrolled)} enrolled`
                  : `${formatCount(active.ordersSeen)}${active.phaseTotal ? ` of ${formatCount(active.phaseTotal)}` : ""} orders read, ${formatCount(active.ordersCounted)} counted`}
              </Text>
              {active.lastError ? (
                <Banner tone="warning" title="Shopify didn't answer; Kanta will try again">
                  <p>{active.lastError}</p>
                </Banner>
              ) : null}
            </BlockStack>
          ) : null}
          {card.last ? (
            <BlockStack gap="200">
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <Text as="h3" variant="headingSm">
                  {`Last run: ${new Date(card.last.finishedAt ?? card.last.createdAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}${card.last.trigger === "install" ? " (on install)" : ""}`}
                </Text>
                {runBadge(card.last.status)}
              </InlineStack>
              {card.last.status === "failed" && card.last.lastError ? (
                <Banner tone="critical" title="The last run stopped">
                  <p>{card.last.lastError}</p>
                </Banner>
              ) : null}
              <RunFigures run={card.last} />
            </BlockStack>
          ) : !active ? (
            <Text as="p" tone="subdued">
              Not run yet.
            </Text>
          ) : null}
          <Box borderBlockStartWidth="025" borderColor="border" paddingBlockStart="400">
            <FormLayout>
              <Box maxWidth="360px">
                <TextField
                  label="Count orders from the last"
                  type="number"
                  min={0}
                  max={MAX_ENROL_ORDER_DAYS}
                  suffix="days"
                  autoComplete="off"
                  value={days}
                  onChange={setDays}
                  error={errors.enrolOrderDays}
                  helpText={`For tier placement. 0 to skip orders; at most ${MAX_ENROL_ORDER_DAYS} (the orders Shopify lets Kanta read).`}
                />
              </Box>
              <Checkbox label="Also award points for those orders" checked={awardPoints && countsOrders} disabled={!countsOrders} onChange={setAwardPoints} helpText="At your earning rate. An order is never paid twice, also when Shopify sends it again later." />
              <Checkbox label="Give new members the sign-up bonus" checked={signupBonus} onChange={setSignupBonus} helpText="Only while the program is live." />
              <InlineStack>
                <Button variant="primary" onClick={start} loading={starting} disabled={Boolean(active)}>
                  {active ? "Enrolment running" : card.last ? "Run again" : "Enrol existing customers"}
                </Button>
              </InlineStack>
            </FormLayout>
          </Box>
        </BlockStack>
      </Card>
    </SettingsSection>
  );
}
