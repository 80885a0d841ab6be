import { BlockStack, Button, Card, InlineStack, Modal, Text } from "@shopify/polaris";
import { useState } from "react";

// Home's card for a launched program: live or paused, and Pause (confirmed) or Resume.

export function ProgramStatus({ status, busy, onChange }: { status: string; busy: boolean; onChange: (intent: "pause" | "resume") => void }) {
  const [confirming, setConfirming] = useState(false);
  const live = status === "live";
  return (
    <Card>
      <InlineStack align="space-between" blockAlign="center" gap="400">
        <div style={{ flex: "1 1 320px" }}>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              {live ? "Your program is live" : "Your program is paused"}
            </Text>
            <Text as="p" tone="subdued">
              {live
                ? "Members earn points on paid orders, claim bonuses and redeem rewards."
                : "Nothing is earned, claimed or redeemed, and the widget hides itself or tells shoppers the program is paused. Members keep their points."}
            </Text>
          </BlockStack>
        </div>
        {live ? (
          <Button onClick={() => setConfirming(true)} loading={busy}>
            Pause program
          </Button>
        ) : (
          <Button variant="primary" onClick={() => onChange("resume")} loading={busy}>
            Resume program
          </Button>
        )}
      </InlineStack>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Pause the program?"
        primaryAction={{
          content: "Pause program",
          destructive: true,
          onAction: () => {
            setConfirming(false);
            onChange("pause");
          },
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <Text as="p">Members keep their points, but nothing is earned, claimed or redeemed until you resume. Orders paid while the program is paused never earn points, also after you resume.</Text>
        </Modal.Section>
      </Modal>
    </Card>
  );
}

