import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Button, Card, EmptyState, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { getDataRequestExport } from "../loyalty/program/attention.server";
import { requireAdmin } from "../shopify/admin.server";

// A customer's data request (customers/data_request): what Kanta holds about them, for the
// merchant to send on. Kept 30 days, then deleted (the task "compliance-exports-prune").
// ?download=1 answers the JSON file itself (outside the embedded admin: scripts, local mode);
// the page's Download button saves the same JSON from the page's data.

export const meta: MetaFunction = () => [{ title: "Data request · Kanta" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, actor } = await requireAdmin(request);
  const found = await getDataRequestExport(shop, params.id ?? "", undefined, undefined, actor);
  if (new URL(request.url).searchParams.get("download") === "1") {
    if (!found) return new Response("Not found", { status: 404 });
    const customerId = found.customerGid.split("/").pop() ?? "customer";
    return new Response(prettyJson(found.data), {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="kanta-data-request-${customerId}.json"`,
        "Cache-Control": "no-store",
      },
    });
  }
  return { found: found ? { ...found, data: prettyJson(found.data) } : null };
};

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export default function DataRequest() {
  const { found } = useLoaderData<typeof loader>() as { found: { id: string; customerGid: string; createdAt: string; expiresAt: string; data: string } | null };
  if (!found) {
    return (
      <Page title="Data request" backAction={{ content: "Home", url: "/app" }}>
        <Card>
          <EmptyState heading="This export is no longer kept" image="">
            <p>Kanta deletes data-request exports 30 days after the request.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const date = new Intl.DateTimeFormat("en", { dateStyle: "medium" });
  const customerId = found.customerGid.split("/").pop();
  return (
    <Page
      title={`Data request: customer ${customerId}`}
      subtitle={`Requested ${date.format(new Date(found.createdAt))} · kept until ${date.format(new Date(found.expiresAt))}`}
      backAction={{ content: "Home", url: "/app" }}
    >
      <Card>
        <BlockStack gap="300">
          <Text as="p">Everything Kanta holds about this customer: send it to them. Shopify sends their order and customer data itself.</Text>
          <div>
            <Button onClick={() => downloadJson(found.data, `kanta-data-request-${customerId}.json`)} variant="primary">
              Download JSON
            </Button>
          </div>
          <pre style={{ margin: 0, padding: "var(--p-space-300)", background: "var(--p-color-bg-surface-secondary)", borderRadius: "var(--p-border-radius-200)", overflowX: "auto", whiteSpace: "pre-wrap", wordBreak: "break-word", fontSize: 12 }}>
            {found.data}
          </pre>
        </BlockStack>
      </Card>
    </Page>
  );
}

/**
 * Saves the export from the page's own data: inside Shopify's admin the page is an iframe
 * whose requests carry a session token, which a plain download link would not.
 */
function downloadJson(text: string, filename: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
