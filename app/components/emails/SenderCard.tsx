import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Button, Card, InlineGrid, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { EmailsActionResult, EmailsPageView } from "../../loyalty/notify/emails-page";

// The Emails page's sender: name, reply-to, logo and where the email's button leads.

export function SenderCard({ page }: { page: EmailsPageView }) {
  const fetcher = useFetcher<EmailsActionResult>();
  const shopify = useAppBridge();
  const saved = {
    senderName: page.settings.senderName ?? "",
    replyTo: page.settings.replyTo ?? "",
    logoUrl: page.settings.logoUrl ?? "",
    rewardsUrl: page.settings.rewardsUrl ?? "",
  };
  const [values, setValues] = useState(saved);
  const errors =
    fetcher.data && !fetcher.data.ok && "errors" in fetcher.data
      ? fetcher.data.errors
      : {};
  useEffect(() => {
    if (
      fetcher.state === "idle" &&
      fetcher.data?.intent === "sender" &&
      fetcher.data.ok
    )
      shopify.toast.show("Sender saved");
  }, [fetcher.state, fetcher.data, shopify]);
  const set = (k: keyof typeof values) => (v: string) =>
    setValues({ ...values, [k]: v });
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Sender
        </Text>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <TextField
            label="Sender name"
            value={values.senderName}
            onChange={set("senderName")}
            autoComplete="off"
            placeholder="Your store's name"
            error={errors.senderName}
            helpText={`Sent from ${page.mailFrom}`}
          />
          <TextField
            label="Reply-to address"
            type="email"
            value={values.replyTo}
            onChange={set("replyTo")}
            autoComplete="email"
            placeholder="support@yourstore.com"
            error={errors.replyTo}
            helpText="Where members' replies go."
          />
          <TextField
            label="Logo URL"
            value={values.logoUrl}
            onChange={set("logoUrl")}
            autoComplete="off"
            placeholder="https://…/logo.png"
            error={errors.logoUrl}
            helpText="Shown at the top; otherwise your store's name."
          />
          <TextField
            label="Rewards page URL"
            value={values.rewardsUrl}
            onChange={set("rewardsUrl")}
            autoComplete="off"
            placeholder="https://yourstore.com/"
            error={errors.rewardsUrl}
            helpText="Where the email's button leads. Default: your store's home page."
          />
        </InlineGrid>
        <InlineStack align="end">
          <Button
            variant="primary"
            loading={fetcher.state !== "idle"}
            onClick={() =>
              fetcher.submit(
                { intent: "sender", data: JSON.stringify(values) },
                { method: "post" }
              )
            }
          >
            Save sender
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
