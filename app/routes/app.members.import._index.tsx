import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, DropZone, InlineStack, List, Page, ResourceItem, ResourceList, Text } from "@shopify/polaris";
import { useCallback, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { listShopImports } from "../loyalty/import/admin.server";
import { requireAdmin } from "../shopify/admin.server";
import type { UploadResult } from "./app.members.import.upload";

// "Import members": upload a CSV from another loyalty app (or a Kanta export); the import's
// own page (app.members.import.$id) maps its columns, checks it and imports it.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { imports: await listShopImports(shop) };
};

const STATUS: Record<string, { label: string; tone?: "success" | "attention" | "critical" | "info" }> = {
  uploaded: { label: "Needs mapping", tone: "attention" },
  checking: { label: "Checking", tone: "info" },
  checked: { label: "Ready to import", tone: "attention" },
  importing: { label: "Importing", tone: "info" },
  done: { label: "Imported", tone: "success" },
  failed: { label: "Failed", tone: "critical" },
};

export default function ImportMembers() {
  const { imports } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<UploadResult>();
  const failed = fetcher.data;
  const [file, setFile] = useState<File | null>(null);
  const [rejected, setRejected] = useState<string | null>(null);
  const uploading = fetcher.state !== "idle";

  const onDrop = useCallback((_all: File[], accepted: File[], rejectedFiles: File[]) => {
    setRejected(rejectedFiles.length > 0 ? `${rejectedFiles[0]!.name} is not a CSV file.` : null);
    setFile(accepted[0] ?? null);
  }, []);

  const upload = () => {
    if (!file) return;
    const form = new FormData();
    form.set("file", file);
    fetcher.submit(form, { method: "post", action: "/app/members/import/upload", encType: "multipart/form-data" });
  };

  return (
    <Page title="Import members" subtitle="Bring points and tiers over from another loyalty app, or from a Kanta export" backAction={{ content: "Members", url: "/app/members" }}>
      <BlockStack gap="400">
        {failed && !failed.ok ? <Banner tone="critical" title="The file can't be imported">{failed.error}</Banner> : null}
        {rejected ? <Banner tone="critical">{rejected}</Banner> : null}
        <Card>
          <BlockStack gap="400">
            <Text as="h2" variant="headingMd">
              Upload a CSV file
            </Text>
            <DropZone accept=".csv,text/csv,text/plain,.txt,.tsv" type="file" allowMultiple={false} onDrop={onDrop} label="Members file" labelHidden>
              {file ? (
                <Box>
                  <Text as="p" alignment="center">
                    {file.name} ({formatBytes(file.size)})
                  </Text>
                </Box>
              ) : (
                <DropZone.FileUpload actionTitle="Add file" actionHint="CSV, up to 1,000,000 rows" />
              )}
            </DropZone>
            <InlineStack align="end">
              <Button variant="primary" disabled={!file} loading={uploading} onClick={upload}>
                Upload and map columns
              </Button>
            </InlineStack>
            <Text as="p" tone="subdued">
              Nothing changes until you have checked the file and started the import.
            </Text>
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Files Kanta recognises
            </Text>
            <List>
              <List.Item>Smile.io: email, points</List.Item>
              <List.Item>LoyaltyLion: email and points (columns A and B)</List.Item>
              <List.Item>Yotpo: Email, Points Balance, and the name columns</List.Item>
              <List.Item>Rivo: Email, Points Balance, VIP Tier</List.Item>
              <List.Item>Joy: Email, Points, Membership Type</List.Item>
              <List.Item>Kanta&apos;s own members export</List.Item>
            </List>
            <Text as="p" tone="subdued">
              Any other file works too: you choose which column holds the email (or Shopify customer ID), the points and the tier. Commas, semicolons or tabs; Excel&apos;s
              decimal commas are understood.
            </Text>
          </BlockStack>
        </Card>
        {imports.length > 0 ? (
          <Card padding="0">
            <ResourceList
              resourceName={{ singular: "import", plural: "imports" }}
              items={imports}
              renderItem={(item) => (
                <ResourceItem id={item.id} url={`/app/members/import/${item.id}`} accessibilityLabel={`Open ${item.fileName}`}>
                  <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold" breakWord>
                        {item.fileName}
                      </Text>
                      <Text as="span" tone="subdued" variant="bodySm">
                        From {item.sourceName} · {new Date(item.createdAt).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" })}
                        {item.counts.rows !== undefined ? ` · ${item.counts.rows.toLocaleString("en")} rows` : ""}
                      </Text>
                    </BlockStack>
                    <Badge tone={STATUS[item.status]?.tone}>{STATUS[item.status]?.label ?? item.status}</Badge>
                  </InlineStack>
                </ResourceItem>
              )}
            />
          </Card>
        ) : null}
      </BlockStack>
    </Page>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
