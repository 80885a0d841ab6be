import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { KlaviyoActionResult, KlaviyoSettingsView } from "../../loyalty/notify/klaviyo-settings";
import { SettingsSection } from "./SettingsSection";

/** Klaviyo: a private API key, saved on its own (not part of the settings form). */
export function KlaviyoSection({ view }: { view: KlaviyoSettingsView }) {
  const shopify = useAppBridge();
  const fetcher = useFetcher<KlaviyoActionResult>();
  const [key, setKey] = useState("");
  const busy = fetcher.state !== "idle";
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.error : undefined;
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) {
      shopify.toast.show(fetcher.data.message);
      setKey("");
    }
  }, [fetcher.state, fetcher.data, shopify]);
  const submit = (intent: "klaviyo-save" | "klaviyo-remove") => fetcher.submit({ intent, klaviyoKey: key }, { method: "post" });
  return (
    <SettingsSection
      title="Klaviyo"
      description="Send loyalty moments (points earned, tier reached, points expiring, birthdays…) to Klaviyo as events named “Kanta Points Earned” and so on, with the member's balance and tier on their profile, to build flows there."
    >
      <Card roundedAbove="sm">
        <BlockStack gap="300">
          {view.connected && view.lastError ? (
            <Banner tone="critical" title="Kanta stopped sending to Klaviyo">
              <p>{`${view.lastError}. Save a new private API key to start again.`}</p>
            </Banner>
          ) : null}
          {view.connected ? (
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Text as="p">
                {view.enabled ? "Connected with the key " : "Key saved: "}
                <Text as="span" fontWeight="semibold">
                  {view.keyHint ?? ""}
                </Text>
              </Text>
              <Button tone="critical" variant="plain" onClick={() => submit("klaviyo-remove")} loading={busy && fetcher.formData?.get("intent") === "klaviyo-remove"}>
                Disconnect
              </Button>
            </InlineStack>
          ) : null}
          <TextField
            label={view.connected ? "Replace the private API key" : "Private API key"}
            type="password"
            autoComplete="off"
            value={key}
            onChange={setKey}
            error={error}
            placeholder="pk_…"
            helpText="Klaviyo > Settings > API keys > Create private API key, with Events: Full access. Kanta never shows the key again."
            connectedRight={
              <Button onClick={() => submit("klaviyo-save")} disabled={!key.trim()} loading={busy && fetcher.formData?.get("intent") === "klaviyo-save"}>
                {view.connected ? "Replace" : "Connect"}
              </Button>
            }
          />
        </BlockStack>
      </Card>
    </SettingsSection>
  );
}
