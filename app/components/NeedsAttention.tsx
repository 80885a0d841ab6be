import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { useEffect } from "react";
import type { Attention } from "../loyalty/program/attention";
import { showToast } from "./showToast";

// Home's "Needs attention" card: work Kanta gave up on after its retries (webhook events,
// tier syncs, referral reward codes, Flow triggers and Klaviyo events), with a way to retry, and customer data requests to
// send on. Shown only when there is something in it. Data: app/loyalty/program/attention.server.ts.

const TOPIC_LABELS: Record<string, string> = {
  "orders/paid": "Order paid",
  "orders/updated": "Order updated",
  "orders/cancelled": "Order cancelled",
  "refunds/create": "Refund",
  "customers/create": "Customer created",
  "customers/update": "Customer updated",
  "customers/data_request": "Customer data request",
  "customers/redact": "Customer erasure",
  "shop/redact": "Shop erasure",
};

export function NeedsAttention({ attention, timeZone }: { attention: Attention; timeZone: string }) {
  const fetcher = useFetcher<{ ok: boolean; message: string }>();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) showToast(fetcher.data.message, !fetcher.data.ok);
  }, [fetcher.state, fetcher.data]);
  if (!attention.any) return null;
  const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone });
  const date = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone });
  const busy = fetcher.state !== "idle" ? `${fetcher.formData?.get("intent") ?? ""}:${fetcher.formData?.get("id") ?? ""}` : null;
  const submit = (intent: string, id?: string) => fetcher.submit({ intent, ...(id ? { id } : {}) }, { method: "post" });
  const hidden = attention.deadEventCount - attention.deadEvents.length;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Needs attention
          </Text>
        </InlineStack>
        {attention.deadEventCount > 0 ? (
          <BlockStack gap="300">
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <div style={{ flex: "1 1 260px" }}>
                <BlockStack gap="100">
                  <Text as="h3" variant="headingSm">
                    {`${attention.deadEventCount} Shopify ${attention.deadEventCount === 1 ? "event" : "events"} could not be processed`}
                  </Text>
                  <Text as="p" tone="subdued">
                    Kanta tried each one 8 times. Points from these orders or customers are missing until they are processed. Retry once the cause is fixed; failed events are deleted with their customer data after 30 days.
                  </Text>
                </BlockStack>
              </div>
              {attention.deadEventCount > 1 ? (
                <Button onClick={() => submit("retry-all-events")} loading={busy === "retry-all-events:"}>
                  {`Retry all ${attention.deadEventCount}`}
                </Button>
              ) : null}
            </InlineStack>
            <BlockStack gap="0" as="ul">
              {attention.deadEvents.map((event, index) => (
                <Box as="li" key={event.id} paddingBlock="300" borderBlockStartWidth={index === 0 ? undefined : "025"} borderColor="border-secondary">
                  <InlineStack align="space-between" blockAlign="start" gap="300" wrap={false}>
                    <div style={{ flex: "1 1 auto", minWidth: 0 }}>
                      <BlockStack gap="100">
                        <InlineStack gap="200" blockAlign="center">
                          <Text as="span" fontWeight="semibold">
                            {TOPIC_LABELS[event.topic] ?? event.topic}
                          </Text>
                          <Text as="span" tone="subdued" variant="bodySm">
                            {dateTime.format(new Date(event.receivedAt))}
                          </Text>
                        </InlineStack>
                        <Text as="p" tone="critical" variant="bodySm" breakWord>
                          {event.error ?? "Unknown error"}
                        </Text>
                      </BlockStack>
                    </div>
                    <div style={{ flex: "none" }}>
                      <Button onClick={() => submit("retry-event", event.id)} loading={busy === `retry-event:${event.id}`} accessibilityLabel={`Retry ${TOPIC_LABELS[event.topic] ?? event.topic} from ${dateTime.format(new Date(event.receivedAt))}`}>
                        Retry
                      </Button>
                    </div>
                  </InlineStack>
                </Box>
              ))}
            </BlockStack>
            {hidden > 0 ? <Text as="p" tone="subdued">{`And ${hidden} more, retried with “Retry all”.`}</Text> : null}
          </BlockStack>
        ) : null}
        {attention.tierSyncDead > 0 ? (
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <div style={{ flex: "1 1 260px" }}>
              <Text as="p">{`${attention.tierSyncDead} tier ${attention.tierSyncDead === 1 ? "change was" : "changes were"} not written to the customer's tags and metafield in Shopify.`}</Text>
            </div>
            <Button onClick={() => submit("retry-tier-syncs")} loading={busy === "retry-tier-syncs:"}>
              Retry tier changes
            </Button>
          </InlineStack>
        ) : null}
        {attention.balanceSyncDead ? (
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <div style={{ flex: "1 1 260px" }}>
              <Text as="p">{`Members' points balances are not reaching their Shopify customer metafield${attention.balanceSyncDead.error ? ` (${attention.balanceSyncDead.error})` : ""}. Kanta stopped retrying.`}</Text>
            </div>
            <Button onClick={() => submit("retry-points-sync")} loading={busy === "retry-points-sync:"}>
              Retry balances
            </Button>
          </InlineStack>
        ) : null}
        {attention.deliveriesDead.map((d) => (
          <InlineStack key={d.channel} align="space-between" blockAlign="center" gap="200">
            <div style={{ flex: "1 1 260px" }}>
              <BlockStack gap="100">
                <Text as="p">
                  {d.channel === "flow"
                    ? `${d.count} Shopify Flow ${d.count === 1 ? "trigger was" : "triggers were"} not delivered: workflows that start on Kanta's triggers did not run for ${d.count === 1 ? "it" : "them"}.`
                    : `${d.count} Klaviyo ${d.count === 1 ? "event was" : "events were"} not delivered: flows in Klaviyo did not start for ${d.count === 1 ? "it" : "them"}.`}
                </Text>
                {d.error ? (
                  <Text as="p" tone="critical" variant="bodySm" breakWord>
                    {d.error}
                  </Text>
                ) : null}
              </BlockStack>
            </div>
            <Button onClick={() => submit("retry-deliveries", d.channel)} loading={busy === `retry-deliveries:${d.channel}`}>
              {d.channel === "flow" ? "Retry Flow triggers" : "Retry Klaviyo events"}
            </Button>
          </InlineStack>
        ))}
        {attention.rewardCodesDead > 0 ? (
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <div style={{ flex: "1 1 260px" }}>
              <Text as="p">{`${attention.rewardCodesDead} reward ${attention.rewardCodesDead === 1 ? "code" : "codes"} could not be created in Shopify after repeated attempts.`}</Text>
            </div>
          </InlineStack>
        ) : null}
        {attention.dataRequests.length > 0 ? (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Customer data requests
            </Text>
            <Text as="p" tone="subdued">
              Send each customer their data. Kanta keeps each export for 30 days, then deletes it.
            </Text>
            <BlockStack gap="0" as="ul">
              {attention.dataRequests.map((request, index) => (
                <Box as="li" key={request.id} paddingBlock="200" borderBlockStartWidth={index === 0 ? undefined : "025"} borderColor="border-secondary">
                  <InlineStack align="space-between" blockAlign="center" gap="200">
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold">{`Customer ${request.customerGid.split("/").pop()}`}</Text>
                      <InlineStack gap="200">
                        <Text as="span" tone="subdued" variant="bodySm">{`Requested ${date.format(new Date(request.createdAt))}`}</Text>
                        <Badge>{`Until ${date.format(new Date(request.expiresAt))}`}</Badge>
                      </InlineStack>
                    </BlockStack>
                    <Button url={`/app/data-requests/${request.id}`}>View</Button>
                  </InlineStack>
                </Box>
              ))}
            </BlockStack>
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
