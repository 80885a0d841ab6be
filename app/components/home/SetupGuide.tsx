import { BlockStack, Box, Button, Card, Icon, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { CheckCircleIcon, CircleIcon } from "../EarnIcons";

// Home's setup guide: the steps to a launched program, each with its link or button.

/** The steps of app/loyalty/program/overview.server.ts (its SetupStepId). */
type SetupStepId = "ways" | "rewards" | "tiers" | "widget" | "launch";

/** What the guide reads of Home's loader data (the program overview). */
interface SetupOverview {
  setup: {
    steps: { id: SetupStepId; done: boolean }[];
    done: number;
    counts: { waysToEarn: number; rewards: number; tiers: number };
    widgetSeenAt: string | null;
  };
  shop: { locale: string; timezone: string };
  program: { status: string };
}

export function SetupGuide({
  overview,
  themeEditorUrl,
  local,
  busyIntent,
  onLaunch,
}: {
  overview: SetupOverview;
  themeEditorUrl: string;
  local: boolean;
  busyIntent: string | null;
  onLaunch: () => void;
}) {
  const { setup } = overview;
  const number = new Intl.NumberFormat(overview.shop.locale);
  const seen = setup.widgetSeenAt ? new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: overview.shop.timezone }).format(new Date(setup.widgetSeenAt)) : null;
  const count = (n: number, one: string, many: string) => `${number.format(n)} ${n === 1 ? one : many}`;
  // Done steps keep a plain link to their page; open steps get a button.
  const go = (done: boolean, url: string, label: string) => (
    <Button url={url} variant={done ? "plain" : undefined}>
      {label}
    </Button>
  );
  const done = Object.fromEntries(setup.steps.map((s) => [s.id, s.done])) as Record<SetupStepId, boolean>;
  const content: Record<SetupStepId, { title: string; text: string; action: ReactNode }> = {
    ways: {
      title: "Set up ways to earn",
      text:
        setup.counts.waysToEarn > 0
          ? `${count(setup.counts.waysToEarn, "way to earn is", "ways to earn are")} on.`
          : "Choose how members collect points: orders, signing up, birthdays, social follows.",
      action: go(done.ways, "/app/earn", "Ways to earn"),
    },
    rewards: {
      title: "Add a reward",
      text: setup.counts.rewards > 0 ? `${count(setup.counts.rewards, "reward is", "rewards are")} on.` : "Give members something to spend points on, like an amount off or free shipping.",
      action: go(done.rewards, "/app/rewards", "Rewards"),
    },
    tiers: {
      title: "Review your VIP tiers",
      text:
        setup.counts.tiers > 0
          ? `${count(setup.counts.tiers, "tier", "tiers")}: members move up by what they spend in a year. Check the thresholds suit your shop.`
          : "No tiers yet: add a ladder such as Bronze, Silver, Gold.",
      action: go(done.tiers, "/app/tiers", "VIP tiers"),
    },
    widget: {
      title: "Turn on the widget in your theme",
      text: seen
        ? `The widget first loaded in your store on ${seen}.`
        : "In the theme editor, switch on “Kanta rewards” under App embeds and save. This step is done when the widget first loads in your store.",
      action: (
        <InlineStack gap="200">
          <Button url={themeEditorUrl} external>
            Open theme editor
          </Button>
          {local ? <Button url="/local/storefront">Open storefront preview</Button> : null}
        </InlineStack>
      ),
    },
    launch: {
      title: "Launch your program",
      text:
        overview.program.status === "draft"
          ? "While it is a draft, nothing is earned, claimed or redeemed. Live: members earn points on paid orders, claim bonuses and redeem rewards."
          : "Your program is launched.",
      action:
        overview.program.status === "draft" ? (
          <Button variant="primary" onClick={onLaunch} loading={busyIntent === "launch"}>
            Launch program
          </Button>
        ) : null,
    },
  };
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Set up your loyalty program
          </Text>
          <InlineStack gap="300" blockAlign="center" wrap={false}>
            <Text as="p" tone="subdued">{`${setup.done} of ${setup.steps.length} steps done`}</Text>
            <div style={{ flex: "1 1 auto", maxWidth: 240 }}>
              <ProgressBar progress={(setup.done / setup.steps.length) * 100} size="small" tone="primary" />
            </div>
          </InlineStack>
        </BlockStack>
        <BlockStack gap="0" as="ol">
          {setup.steps.map((step, index) => {
            const c = content[step.id];
            return (
              <Box as="li" key={step.id} paddingBlock="300" borderBlockStartWidth={index === 0 ? undefined : "025"} borderColor="border-secondary">
                <InlineStack gap="300" blockAlign="start" wrap={false}>
                  <div style={{ flex: "none" }}>
                    <Icon source={step.done ? CheckCircleIcon : CircleIcon} tone={step.done ? "success" : "subdued"} accessibilityLabel={step.done ? "Done" : "To do"} />
                  </div>
                  <div style={{ flex: "1 1 auto", minWidth: 0 }}>
                    <BlockStack gap="200">
                      <BlockStack gap="050">
                        <Text as="h3" variant="bodyMd" fontWeight="semibold">
                          {c.title}
                        </Text>
                        <Text as="p" tone="subdued">
                          {c.text}
                        </Text>
                      </BlockStack>
                      {c.action && (!step.done || step.id !== "widget") ? <div>{c.action}</div> : null}
                    </BlockStack>
                  </div>
                </InlineStack>
              </Box>
            );
          })}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

