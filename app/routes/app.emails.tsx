import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useState } from "react";
import { DeliveryLog } from "../components/emails/DeliveryLog";
import { OccasionEditor } from "../components/emails/OccasionEditor";
import { OccasionsCard } from "../components/emails/OccasionsCard";
import { SenderCard } from "../components/emails/SenderCard";
import { sendTestEmail } from "../jobs/email-job.server";
import { getEmailsPage, readEmailDraft, saveEmailOccasion, saveEmailSender } from "../loyalty/notify/emails-admin.server";
import type { EmailOccasionKind } from "../loyalty/notify/email-texts";
import type { EmailsActionResult } from "../loyalty/notify/emails-page";
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

function readJson(form: FormData): unknown {
  try {
    return JSON.parse(String(form.get("data") ?? ""));
  } catch {
    return null;
  }
}

export const action = async ({
  request,
}: ActionFunctionArgs): Promise<EmailsActionResult> => {
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
  if (intent === "test") {
    const draft = readEmailDraft(data);
    if (!draft)
      return {
        intent,
        ok: false,
        error: "The test could not be read. Reload the page and try again.",
      };
    const to = String(data?.to ?? "").trim();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(to))
      return {
        intent,
        ok: false,
        error: "Enter the email address to send the test to.",
      };
    const sent = await sendTestEmail({ shopDomain: shop, ...draft, to });
    return sent.ok
      ? { intent, ok: true, to }
      : { intent, ok: false, error: `The test was not sent: ${sent.error}` };
  }
  return { intent: "test", ok: false, error: "Unknown action" };
};

// A test send changes nothing on the page: reloading it after one would only cost time.
export const shouldRevalidate: ShouldRevalidateFunction = ({
  formData,
  defaultShouldRevalidate,
}) => (formData?.get("intent") === "test" ? false : defaultShouldRevalidate);

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

// Shopify's auth responses keep their headers on this page's data requests only through this export.
export const headers: HeadersFunction = (headersArgs) =>
  boundary.headers(headersArgs);
