import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { BlockStack, Layout, Page, Select, Text, Card } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { NamesCard } from "../components/texts/NamesCard";
import { TextsCard } from "../components/texts/TextsCard";
import { getTextsPage, parseLanguage, saveNameTranslation, saveTextOverride } from "../loyalty/i18n/admin.server";
import { NAME_ENTITIES, type NameEntity, type TextsActionResult } from "../loyalty/i18n/texts-page";
import { requireAdmin } from "../shopify/admin.server";

// Texts and languages: the shopper-facing texts of one language (built-in words, the
// merchant's override, reset) and the names of rewards, ways to earn and tiers in it.
// app/loyalty/i18n (0036).

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return getTextsPage(shop, parseLanguage(new URL(request.url).searchParams.get("language")));
};

export const action = async ({ request }: ActionFunctionArgs): Promise<TextsActionResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const language = String(form.get("language") ?? "");
  if (intent === "text" || intent === "reset") {
    const key = String(form.get("key") ?? "");
    const result = await saveTextOverride(shop, { language, key, text: intent === "reset" ? null : String(form.get("text") ?? "") }, actor);
    return { ...result, intent, target: key };
  }
  if (intent === "name") {
    const entity = String(form.get("entity") ?? "") as NameEntity;
    const id = String(form.get("id") ?? "");
    if (!NAME_ENTITIES.includes(entity)) return { ok: false, problem: "not_found", message: "The form could not be read.", intent, target: id };
    const result = await saveNameTranslation(shop, { entity, id, language, name: String(form.get("name") ?? "") }, actor);
    return { ...result, intent, target: `${entity}:${id}` };
  }
  return { ok: false, problem: "not_found", message: "The form could not be read. Reload the page and try again.", intent, target: "" };
};

export default function TextsPage() {
  const page = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const options = page.languages.map((l) => ({ label: l.overrides ? `${l.label} (${l.overrides} changed)` : l.label, value: l.code }));
  return (
    <Page title="Texts and languages" backAction={{ content: "Settings", url: "/app/settings" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Select label="Language" options={options} value={page.language} onChange={(v) => navigate(`?language=${v}`)} />
                <Text as="p" tone="subdued">
                  The widget, the customer account pages and the emails speak the shopper&apos;s language, chosen by your store&apos;s
                  language. Change any text here; words in braces, like {"{count}"}, are filled in for each shopper and must stay.
                </Text>
              </BlockStack>
            </Card>
            <NamesCard key={`names-${page.language}`} language={page.language} names={page.names} />
            <TextsCard key={`texts-${page.language}`} language={page.language} texts={page.texts} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (args) => boundary.headers(args);
