import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
} from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  EmptyState,
  FormLayout,
  IndexTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useMemo, useState } from "react";
import { sendTestEmail } from "../jobs/email-job.server";
import {
  getEmailsPage,
  previewEmail,
  saveEmailOccasion,
  saveEmailSender,
} from "../loyalty/notify/emails-admin.server";
import {
  isEmailOccasionKind,
  type EmailAudience,
  type OccasionEmailSettings,
} from "../loyalty/notify/email-settings";
import type {
  EmailOccasionKind,
  EmailText,
} from "../loyalty/notify/email-texts";
import { OCCASION_LABELS } from "../loyalty/notify/emails-page";
import { EMAIL_OCCASION_KINDS } from "../loyalty/notify/occasions";
import type { WidgetLanguage } from "../loyalty/program/settings";
import { requireAdmin } from "../shopify/admin.server";

// The Emails page: sender, the occasions (on/off, audience, subject and text per language
// with a live preview and a test send), and the delivery log. app/loyalty/notify.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, staff } = await requireAdmin(request);
  const url = new URL(request.url);
  const page = await getEmailsPage(shop, {
    status: url.searchParams.get("status"),
    kind: url.searchParams.get("kind"),
  });
  const staffEmail =
    staff.startsWith("staff:") && staff.includes("@")
      ? staff.slice("staff:".length)
      : "";
  return { ...page, staffEmail };
};

type ActionResult =
  | { intent: "occasion" | "sender"; ok: true }
  | { intent: "occasion" | "sender"; ok: false; errors: Record<string, string> }
  | {
      intent: "preview";
      ok: true;
      subject: string;
      html: string;
      text: string;
      from: string;
    }
  | { intent: "test"; ok: true; to: string }
  | { intent: "preview" | "test"; ok: false; error: string };

function readJson(form: FormData): unknown {
  try {
    return JSON.parse(String(form.get("data") ?? ""));
  } catch {
    return null;
  }
}

export const action = async ({
  request,
}: ActionFunctionArgs): Promise<ActionResult> => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const data = readJson(form) as Record<string, unknown> | null;
  if (intent === "occasion" || intent === "sender") {
    if (!data)
      return {
        intent,
        ok: false,
        errors: {
          form: "The form could not be read. Reload the page and try again.",
        },
      };
    const result =
      intent === "occasion"
        ? await saveEmailOccasion(shop, data)
        : await saveEmailSender(shop, data);
    return { intent, ...result };
  }
  if (intent === "preview" || intent === "test") {
    const kind = String(data?.kind ?? "");
    const language = String(data?.language ?? "") as WidgetLanguage;
    const text = data?.text as EmailText | undefined;
    if (
      !isEmailOccasionKind(kind) ||
      !["en", "fi", "da", "sv"].includes(language) ||
      typeof text?.subject !== "string" ||
      typeof text?.text !== "string"
    ) {
      return {
        intent,
        ok: false,
        error: "The preview could not be read. Reload the page and try again.",
      };
    }
    if (intent === "preview")
      return {
        intent,
        ok: true,
        ...(await previewEmail(shop, kind, language, text)),
      };
    const to = String(data?.to ?? "").trim();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(to))
      return {
        intent,
        ok: false,
        error: "Enter the email address to send the test to.",
      };
    const sent = await sendTestEmail({
      shopDomain: shop,
      kind,
      language,
      text,
      to,
    });
    return sent.ok
      ? { intent, ok: true, to }
      : { intent, ok: false, error: `The test was not sent: ${sent.error}` };
  }
  return { intent: "preview", ok: false, error: "Unknown action" };
};

const STATUS_TONE: Record<
  string,
  "success" | "critical" | "attention" | undefined
> = {
  sent: "success",
  dead: "critical",
  pending: "attention",
  skipped: undefined,
};

export default function EmailsPage() {
  const page = useLoaderData<typeof loader>();
  const [editing, setEditing] = useState<EmailOccasionKind | null>(null);
  return (
    <Page
      title="Emails"
      subtitle="What members hear from you, and when"
      fullWidth={editing !== null}
    >
      <BlockStack gap="500">
        {!page.smtpConfigured ? (
          <Banner tone="warning" title="Emails are not being sent">
            <p>
              The server has no SMTP_URL: emails wait until the operator sets
              one.
            </p>
          </Banner>
        ) : null}
        {editing ? (
          <OccasionEditor
            key={editing}
            kind={editing}
            page={page}
            onClose={() => setEditing(null)}
          />
        ) : (
          <Layout>
            <Layout.Section>
              <OccasionsCard page={page} onEdit={setEditing} />
            </Layout.Section>
            <Layout.Section>
              <SenderCard page={page} />
            </Layout.Section>
            <Layout.Section>
              <DeliveryLog page={page} />
            </Layout.Section>
          </Layout>
        )}
      </BlockStack>
    </Page>
  );
}

type PageData = ReturnType<typeof useLoaderData<typeof loader>>;

function OccasionsCard({
  page,
  onEdit,
}: {
  page: PageData;
  onEdit: (kind: EmailOccasionKind) => void;
}) {
  const rows = EMAIL_OCCASION_KINDS.map((kind, index) => {
    const s = page.settings.occasions[kind];
    const custom = Object.keys(s.texts).length > 0;
    return (
      <IndexTable.Row
        id={kind}
        key={kind}
        position={index}
        onClick={() => onEdit(kind)}
      >
        <IndexTable.Cell>
          <BlockStack gap="050">
            <Text as="span" variant="bodyMd" fontWeight="semibold">
              {OCCASION_LABELS[kind].title}
            </Text>
            <div style={{ whiteSpace: "normal", minWidth: 200 }}>
              <Text as="span" variant="bodySm" tone="subdued">
                {OCCASION_LABELS[kind].when}
              </Text>
            </div>
          </BlockStack>
        </IndexTable.Cell>
        <IndexTable.Cell>
          {s.on ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
        </IndexTable.Cell>
        <IndexTable.Cell>
          {s.audience === "all" ? "Every member" : "Subscribed only"}
        </IndexTable.Cell>
        <IndexTable.Cell>
          {custom ? "Your text" : "Default text"}
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Button
            variant="plain"
            onClick={() => onEdit(kind)}
            accessibilityLabel={`Edit ${OCCASION_LABELS[kind].title}`}
          >
            Edit
          </Button>
        </IndexTable.Cell>
      </IndexTable.Row>
    );
  });
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Occasions
          </Text>
          <Text as="p" tone="subdued">
            Each email goes once per member and occasion, in the member&apos;s
            language (else your store&apos;s), with their balance, tier progress
            and a button to your rewards.
          </Text>
        </BlockStack>
      </Box>
      <IndexTable
        resourceName={{ singular: "occasion", plural: "occasions" }}
        itemCount={EMAIL_OCCASION_KINDS.length}
        selectable={false}
        headings={[
          { title: "Occasion" },
          { title: "Status" },
          { title: "Audience" },
          { title: "Text" },
          { title: "", hidden: true },
        ]}
      >
        {rows}
      </IndexTable>
    </Card>
  );
}

function SenderCard({ page }: { page: PageData }) {
  const fetcher = useFetcher<typeof action>();
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

function OccasionEditor({
  kind,
  page,
  onClose,
}: {
  kind: EmailOccasionKind;
  page: PageData;
  onClose: () => void;
}) {
  const shopify = useAppBridge();
  const save = useFetcher<typeof action>();
  const preview = useFetcher<typeof action>();
  const test = useFetcher<typeof action>();
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
  const previewKey = JSON.stringify({ kind, language, text: current });
  useEffect(() => {
    const timer = setTimeout(
      () =>
        preview.submit(
          { intent: "preview", data: previewKey },
          { method: "post" }
        ),
      300
    );
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the fetcher's identity changes every render
  }, [previewKey]);
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
  const previewData =
    preview.data?.intent === "preview" && preview.data.ok ? preview.data : null;
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

function DeliveryLog({ page }: { page: PageData }) {
  const [params, setParams] = useSearchParams();
  const setFilter = (key: "status" | "kind") => (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { preventScrollReset: true });
  };
  const count = (s: string) => page.counts[s] ?? 0;
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Text as="h2" variant="headingMd">
              Delivery log
            </Text>
            <Text as="p" tone="subdued">
              {count("sent")} sent · {count("pending")} waiting ·{" "}
              {count("skipped")} skipped · {count("dead")} failed · at most{" "}
              {page.hourlyCap} an hour
            </Text>
          </InlineStack>
          <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
            <Select
              label="Status"
              options={[
                { label: "All", value: "" },
                { label: "Sent", value: "sent" },
                { label: "Waiting", value: "pending" },
                { label: "Skipped", value: "skipped" },
                { label: "Failed", value: "dead" },
              ]}
              value={page.filter.status ?? ""}
              onChange={setFilter("status")}
            />
            <Select
              label="Occasion"
              options={[
                { label: "All", value: "" },
                ...EMAIL_OCCASION_KINDS.map((k) => ({
                  label: OCCASION_LABELS[k].title,
                  value: k,
                })),
              ]}
              value={page.filter.kind ?? ""}
              onChange={setFilter("kind")}
            />
          </InlineGrid>
        </BlockStack>
      </Box>
      {page.log.length === 0 ? (
        <EmptyState heading="No emails yet" image="">
          <p>
            Emails appear here as members join, earn and move between tiers.
          </p>
        </EmptyState>
      ) : (
        <IndexTable
          resourceName={{ singular: "email", plural: "emails" }}
          itemCount={page.log.length}
          selectable={false}
          headings={[
            { title: "Occasion" },
            { title: "To" },
            { title: "Status" },
            { title: "When" },
            { title: "Details" },
          ]}
        >
          {page.log.map((row, index) => (
            <IndexTable.Row id={row.id} key={row.id} position={index}>
              <IndexTable.Cell>
                {isEmailOccasionKind(row.kind)
                  ? OCCASION_LABELS[row.kind].title
                  : row.kind}
              </IndexTable.Cell>
              <IndexTable.Cell>{row.recipient ?? "—"}</IndexTable.Cell>
              <IndexTable.Cell>
                <Badge tone={STATUS_TONE[row.status]}>
                  {row.status === "dead"
                    ? "Failed"
                    : row.status === "pending"
                    ? "Waiting"
                    : row.status[0]!.toUpperCase() + row.status.slice(1)}
                </Badge>
              </IndexTable.Cell>
              <IndexTable.Cell>
                {new Date(row.sentAt ?? row.createdAt).toLocaleString()}
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Box maxWidth="420px">
                  <Text
                    as="span"
                    variant="bodySm"
                    tone={row.status === "dead" ? "critical" : "subdued"}
                    breakWord
                  >
                    {row.lastError
                      ? `${row.lastError}${
                          row.attempts > 1 ? ` (${row.attempts} attempts)` : ""
                        }`
                      : row.status === "sent" && row.attempts > 1
                      ? `${row.attempts} attempts`
                      : ""}
                  </Text>
                </Box>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      )}
    </Card>
  );
}

// Shopify's auth responses keep their headers on this page's data requests only through this export.
export const headers: HeadersFunction = (headersArgs) =>
  boundary.headers(headersArgs);
