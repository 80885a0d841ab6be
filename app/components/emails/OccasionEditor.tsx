import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, FormLayout, InlineGrid, InlineStack, Select, Tabs, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import type { EmailAudience, OccasionEmailSettings } from "../../loyalty/notify/email-settings";
import type { EmailOccasionKind, EmailText } from "../../loyalty/notify/email-texts";
import { OCCASION_LABELS, type EmailPreviewResult, type EmailsActionResult, type EmailsPageView } from "../../loyalty/notify/emails-page";
import type { WidgetLanguage } from "../../loyalty/program/settings";

// One occasion's email: on/off, audience, subject and text per language, a live preview
// rendered by the server a moment after typing stops, and a test send.

export function OccasionEditor({
  kind,
  page,
  onClose,
}: {
  kind: EmailOccasionKind;
  page: EmailsPageView;
  onClose: () => void;
}) {
  const shopify = useAppBridge();
  const save = useFetcher<EmailsActionResult>();
  const test = useFetcher<EmailsActionResult>();
  const stored: OccasionEmailSettings = page.settings.occasions[kind];
  const initialTexts = Object.fromEntries(
    page.languages.map((l) => [
      l.code,
      stored.texts[l.code] ?? page.defaults[kind][l.code],
    ])
  ) as Record<WidgetLanguage, EmailText>;
  const [on, setOn] = useState(stored.on);
  const [audience, setAudience] = useState<EmailAudience>(stored.audience);
  const [texts, setTexts] = useState(initialTexts);
  const [tab, setTab] = useState(
    Math.max(
      0,
      page.languages.findIndex((l) => l.code === page.primaryLanguage)
    )
  );
  const [to, setTo] = useState(page.staffEmail);
  const language = page.languages[tab]!.code;
  const current = texts[language];
  const errors =
    save.data && !save.data.ok && "errors" in save.data ? save.data.errors : {};

  // The live preview follows the text, a moment after typing stops.
  const preview = useLivePreview(
    JSON.stringify({ kind, language, text: current })
  );
  useEffect(() => {
    if (
      save.state === "idle" &&
      save.data?.intent === "occasion" &&
      save.data.ok
    ) {
      shopify.toast.show(`${OCCASION_LABELS[kind].title} email saved`);
      onClose();
    }
  }, [save.state, save.data, shopify, kind, onClose]);
  useEffect(() => {
    if (test.state !== "idle" || !test.data || test.data.intent !== "test")
      return;
    if (test.data.ok) shopify.toast.show(`Test sent to ${test.data.to}`);
  }, [test.state, test.data, shopify]);

  const setText = (field: keyof EmailText) => (v: string) =>
    setTexts({ ...texts, [language]: { ...current, [field]: v } });
  const isDefault =
    current.subject === page.defaults[kind][language].subject &&
    current.text === page.defaults[kind][language].text;
  const previewData = preview && "html" in preview ? preview : null;
  const testError =
    test.data?.intent === "test" && !test.data.ok ? test.data.error : null;
  const tabs = useMemo(
    () =>
      page.languages.map((l) => ({
        id: l.code,
        content: l.label,
        accessibilityLabel: `${l.label} text`,
      })),
    [page.languages]
  );

  return (
    <InlineGrid columns={{ xs: 1, lg: 2 }} gap="400" alignItems="start">
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Button variant="plain" onClick={onClose}>
            ← All emails
          </Button>
        </InlineStack>
        <Card>
          <BlockStack gap="400">
            <BlockStack gap="100">
              <Text as="h2" variant="headingLg">
                {OCCASION_LABELS[kind].title}
              </Text>
              <Text as="p" tone="subdued">
                {OCCASION_LABELS[kind].when}
              </Text>
            </BlockStack>
            {errors.form ? (
              <Banner tone="critical">{errors.form}</Banner>
            ) : null}
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Checkbox label="Send this email" checked={on} onChange={setOn} />
              <Select
                label="Send to"
                options={[
                  { label: "Every member", value: "all" },
                  {
                    label: "Only customers subscribed to email marketing",
                    value: "subscribed",
                  },
                ]}
                value={audience}
                onChange={(v) => setAudience(v as EmailAudience)}
                helpText="Subscribed: Shopify's email marketing status of the customer."
              />
            </InlineGrid>
            <Tabs tabs={tabs} selected={tab} onSelect={setTab} fitted>
              <Box paddingBlockStart="400">
                <FormLayout>
                  <TextField
                    label="Subject"
                    value={current.subject}
                    onChange={setText("subject")}
                    autoComplete="off"
                    maxLength={150}
                    error={errors[`texts.${language}.subject`]}
                  />
                  <TextField
                    label="Text"
                    value={current.text}
                    onChange={setText("text")}
                    autoComplete="off"
                    multiline={5}
                    maxLength={2000}
                    error={errors[`texts.${language}.text`]}
                    helpText={`Placeholders: ${page.placeholders[kind]
                      .map((p) => `{${p}}`)
                      .join(" ")}`}
                  />
                </FormLayout>
              </Box>
            </Tabs>
            <InlineStack align="space-between" gap="200">
              <Button
                disabled={isDefault}
                onClick={() =>
                  setTexts({
                    ...texts,
                    [language]: page.defaults[kind][language],
                  })
                }
              >
                Use the default text
              </Button>
              <InlineStack gap="200">
                <Button onClick={onClose}>Cancel</Button>
                <Button
                  variant="primary"
                  loading={save.state !== "idle"}
                  onClick={() =>
                    save.submit(
                      {
                        intent: "occasion",
                        data: JSON.stringify({ kind, on, audience, texts }),
                      },
                      { method: "post" }
                    )
                  }
                >
                  Save
                </Button>
              </InlineStack>
            </InlineStack>
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h3" variant="headingMd">
              Send a test
            </Text>
            <InlineStack gap="200" blockAlign="end" wrap={false}>
              <Box width="100%">
                <TextField
                  label="Send to"
                  type="email"
                  value={to}
                  onChange={setTo}
                  autoComplete="email"
                  placeholder="you@yourstore.com"
                  error={testError ?? undefined}
                />
              </Box>
              <Button
                loading={test.state !== "idle"}
                onClick={() =>
                  test.submit(
                    {
                      intent: "test",
                      data: JSON.stringify({
                        kind,
                        language,
                        text: current,
                        to,
                      }),
                    },
                    { method: "post" }
                  )
                }
              >
                Send test
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      </BlockStack>
      <Card>
        <BlockStack gap="300">
          <Text as="h3" variant="headingMd">
            Preview
          </Text>
          {previewData ? (
            <BlockStack gap="200">
              <Text as="p" variant="bodySm" tone="subdued">
                From {previewData.from}
              </Text>
              <Text as="p" fontWeight="semibold">
                {previewData.subject}
              </Text>
              <iframe
                title="Email preview"
                srcDoc={previewData.html}
                sandbox=""
                style={{
                  width: "100%",
                  height: 640,
                  border: "1px solid var(--p-color-border)",
                  borderRadius: 8,
                }}
              />
            </BlockStack>
          ) : preview && "error" in preview ? (
            <Banner tone="warning">{preview.error}</Banner>
          ) : (
            <Text as="p" tone="subdued">
              Rendering the preview…
            </Text>
          )}
        </BlockStack>
      </Card>
    </InlineGrid>
  );
}

/**
 * The server's rendering of `draft` (JSON), fetched 300 ms after it last changed. A newer
 * draft aborts the older request, and so does leaving the editor; an aborted request is
 * expected and says nothing. Fetched directly, not through a Remix fetcher: Remix logs an
 * aborted fetcher's half-read answer to the console as an error, and re-runs the page's
 * loader after every fetcher submission.
 */
function useLivePreview(draft: string): EmailPreviewResult | null {
  const [result, setResult] = useState<EmailPreviewResult | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch("/app/emails/preview", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: draft,
          signal: controller.signal,
        });
        const body = (await response.json().catch(() => null)) as EmailPreviewResult | null;
        if (controller.signal.aborted) return;
        setResult(body ?? { error: `The preview could not be rendered (HTTP ${response.status}).` });
      } catch (error) {
        if (controller.signal.aborted) return;
        setResult({ error: `The preview could not be rendered: ${String(error)}` });
      }
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [draft]);
  return result;
}
