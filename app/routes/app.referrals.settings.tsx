import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, FormLayout, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { MAX_BONUSES, REVIEW_REASONS, parseSettingsDraft, type ReferralSettingsDraft, type ReferralSettingsErrors, type ReviewReason } from "../loyalty/referrals/settings";
import { REASON_LABELS } from "../loyalty/referrals/fraud";
import { getReferralSettingsPage, saveReferralSettings } from "../loyalty/referrals/admin.server";
import { requireAdmin } from "../shopify/admin.server";
import { currencySymbol } from "../loyalty/ledger/money";
import { NotSavedBanner, SaveBarForm } from "../components/SaveBarForm";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return getReferralSettingsPage(shop);
};

export type ReferralSettingsResult = { ok: true; message: string; draft: ReferralSettingsDraft } | { ok: false; errors: ReferralSettingsErrors };

// Expected errors come back as data (STYLE.md rule 5), shown on their field; nothing is saved.
export const action = async ({ request }: ActionFunctionArgs): Promise<ReferralSettingsResult> => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const draft = parseSettingsDraft(String(form.get("settings") ?? ""));
  if (!draft) return { ok: false, errors: { form: "The form could not be read. Reload the page and try again." } };
  const result = await saveReferralSettings(shop, draft, undefined, actor);
  if (!result.ok) return result;
  return { ok: true, message: "Referral settings saved", draft: result.draft };
};

const FRIEND_TYPES = [
  { label: "Percentage off", value: "percent_off" },
  { label: "Amount off", value: "amount_off" },
  { label: "Free shipping", value: "free_shipping" },
];
const REFERRER_TYPES = [{ label: "Points", value: "points" }, ...FRIEND_TYPES];
const REVIEW_HELP: Record<ReviewReason, string> = {
  same_email: "The friend's order uses the referrer's email (Gmail dots and +tags ignored).",
  same_address: "The order ships to, or is billed at, one of the referrer's addresses.",
  same_phone: "The order has the referrer's phone number.",
  self_visit: "The referrer opened their own link while signed in, then an order came through it.",
  existing_customer: "The friend had ordered from you before.",
  monthly_cap: "The referrer has had the monthly number of rewards already.",
};


/** "10% off", "€5.00 off", "free shipping", "500 points": the preview sentences. */
function describe(type: string, values: { percent: string; amount: string; points?: string }, symbol: string): string {
  if (type === "points") return `${values.points?.trim() || "0"} points`;
  if (type === "percent_off") return `${values.percent.trim() || "0"}% off`;
  if (type === "amount_off") return `${symbol}${values.amount.trim() || "0"} off`;
  return "free shipping";
}

export default function ReferralSettingsPage() {
  const { draft: saved, currencyCode, pendingDays, programStatus } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const fetcher = useFetcher<typeof action>();
  const [baseline, setBaseline] = useState<ReferralSettingsDraft>(saved);
  const [values, setValues] = useState<ReferralSettingsDraft>(saved);
  // A new baseline only when the saved settings really changed: a failed save revalidates
  // the loader with the same settings, and the merchant's edits must stay.
  const savedKey = JSON.stringify(saved);
  useEffect(() => {
    const next = JSON.parse(savedKey) as ReferralSettingsDraft;
    setBaseline(next);
    setValues(next);
  }, [savedKey]);
  const dirty = useMemo(() => JSON.stringify(values) !== JSON.stringify(baseline), [values, baseline]);
  const errors: ReferralSettingsErrors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  const saving = fetcher.state !== "idle";
  const errorCount = Object.keys(errors).length;

  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) {
      setBaseline(fetcher.data.draft);
      setValues(fetcher.data.draft);
      shopify.toast.show(fetcher.data.message);
    } else {
      shopify.toast.show("Referral settings weren't saved. Check the highlighted fields.", { isError: true });
    }
  }, [fetcher.state, fetcher.data, shopify]);

  const set = (patch: Partial<ReferralSettingsDraft>) => setValues((v) => ({ ...v, ...patch }));
  const save = () => fetcher.submit({ settings: JSON.stringify(values) }, { method: "post" });
  const discard = () => setValues(baseline);
  const symbol = currencySymbol(currencyCode);
  const friendOffer = describe(values.friendType, { percent: values.friendPercent, amount: values.friendAmount }, symbol);
  const reward = describe(values.referrerType, { percent: values.referrerPercent, amount: values.referrerAmount, points: values.referrerPoints }, symbol);
  const wait = pendingDays > 0 ? ` and their ${pendingDays}-day pending period has passed` : "";

  const discountFields = (prefix: "friend" | "referrer", type: string) => {
    const field = (name: string) => `${prefix}${name}` as keyof ReferralSettingsDraft;
    const value = (name: string) => String(values[field(name)] ?? "");
    const change = (name: string) => (v: string) => set({ [field(name)]: v } as Partial<ReferralSettingsDraft>);
    return (
      <>
        {type === "percent_off" ? (
          <TextField label="Percentage" type="number" min={1} max={100} suffix="%" autoComplete="off" value={value("Percent")} onChange={change("Percent")} error={errors[field("Percent")]} />
        ) : null}
        {type === "amount_off" ? (
          <TextField label="Amount" inputMode="decimal" prefix={symbol} autoComplete="off" value={value("Amount")} onChange={change("Amount")} error={errors[field("Amount")]} />
        ) : null}
        {type !== "points" ? (
          <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
            <TextField
              label="Minimum order (optional)"
              inputMode="decimal"
              prefix={symbol}
              autoComplete="off"
              value={value("MinOrder")}
              onChange={change("MinOrder")}
              error={errors[field("MinOrder")]}
              helpText="Leave empty for any order."
            />
            <TextField
              label="Code valid for (optional)"
              type="number"
              min={1}
              max={365}
              suffix="days"
              autoComplete="off"
              value={value("ExpiryDays")}
              onChange={change("ExpiryDays")}
              error={errors[field("ExpiryDays")]}
              helpText="Leave empty for no end date."
            />
          </InlineGrid>
        ) : null}
      </>
    );
  };

  return (
    <Page
      title="Referral settings"
      subtitle="What friends get, what members get, and which referrals you review"
      backAction={{ content: "Referrals", url: "/app/referrals" }}
      primaryAction={{ content: "Save", onAction: save, loading: saving, disabled: !dirty }}
    >
      <SaveBarForm id="referral-settings-save-bar" dirty={dirty} saving={saving} onSave={save} onDiscard={discard}>
        <BlockStack gap="500">
          <NotSavedBanner title="Referral settings weren't saved" errorCount={errorCount} formError={errors.form} />
          {programStatus !== "live" ? (
            <Banner tone="info" title="Your program isn't live yet">
              <p>Referral links work once the program is live. You can set referrals up now.</p>
            </Banner>
          ) : null}
          <Layout>
            <Layout.AnnotatedSection id="referrals-on" title="Referrals" description="Members find their personal link in the rewards widget, with buttons to share it by email, WhatsApp, Facebook and X.">
              <Card>
                <BlockStack gap="200">
                  <Checkbox label="Let members refer friends" checked={values.enabled} onChange={(enabled) => set({ enabled })} helpText="Turning referrals off hides the links; referrals already made still finish." />
                  <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                    <Text as="p">{`Friends get ${friendOffer} on their first order. Members get ${reward} when that order is paid${wait}.`}</Text>
                  </Box>
                </BlockStack>
              </Card>
            </Layout.AnnotatedSection>

            <Layout.AnnotatedSection id="friend" title="What friends get" description="A single-use discount code, given when the friend enters their email. One code per email address.">
              <Card>
                <FormLayout>
                  <Select label="Welcome offer" options={FRIEND_TYPES} value={values.friendType} onChange={(friendType) => set({ friendType })} error={errors.friendType} />
                  {discountFields("friend", values.friendType)}
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>

            <Layout.AnnotatedSection
              id="referrer"
              title="What members get"
              description={`Paid once per friend, when the friend's first order is paid${pendingDays > 0 ? ` and the ${pendingDays}-day pending period (Settings) has passed. A cancellation or full refund before then cancels it` : ". Set a pending period in Settings to wait for returns first"}.`}
            >
              <Card>
                <FormLayout>
                  <Select label="Reward" options={REFERRER_TYPES} value={values.referrerType} onChange={(referrerType) => set({ referrerType })} error={errors.referrerType} />
                  {values.referrerType === "points" ? (
                    <TextField label="Points" type="number" min={1} suffix="points" autoComplete="off" value={values.referrerPoints} onChange={(referrerPoints) => set({ referrerPoints })} error={errors.referrerPoints} />
                  ) : (
                    discountFields("referrer", values.referrerType)
                  )}
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>

            <Layout.AnnotatedSection id="bonuses" title="Bonuses" description="Extra points when a member reaches a number of successful referrals. Each bonus is paid once.">
              <Card>
                <BlockStack gap="300">
                  {values.bonuses.length === 0 ? (
                    <Text as="p" tone="subdued">
                      No bonuses. Add one to reward members who refer often, for example 200 points at 3 friends.
                    </Text>
                  ) : null}
                  {values.bonuses.map((bonus, i) => (
                    <InlineStack key={i} gap="300" blockAlign="end" wrap={false}>
                      <div style={{ flex: 1 }}>
                        <TextField
                          label={`Bonus ${i + 1}: friends`}
                          type="number"
                          min={1}
                          suffix="friends"
                          autoComplete="off"
                          value={bonus.count}
                          onChange={(count) => set({ bonuses: values.bonuses.map((b, j) => (j === i ? { ...b, count } : b)) })}
                          error={errors[`bonuses.${i}.count`]}
                        />
                      </div>
                      <div style={{ flex: 1 }}>
                        <TextField
                          label={`Bonus ${i + 1}: points`}
                          type="number"
                          min={1}
                          suffix="points"
                          autoComplete="off"
                          value={bonus.points}
                          onChange={(points) => set({ bonuses: values.bonuses.map((b, j) => (j === i ? { ...b, points } : b)) })}
                          error={errors[`bonuses.${i}.points`]}
                        />
                      </div>
                      <Button accessibilityLabel={`Remove bonus ${i + 1}`} onClick={() => set({ bonuses: values.bonuses.filter((_, j) => j !== i) })}>
                        Remove
                      </Button>
                    </InlineStack>
                  ))}
                  {errors.bonuses ? (
                    <Text as="p" tone="critical">
                      {errors.bonuses}
                    </Text>
                  ) : null}
                  <InlineStack>
                    <Button disabled={values.bonuses.length >= MAX_BONUSES} onClick={() => set({ bonuses: [...values.bonuses, { count: "", points: "" }] })}>
                      Add bonus
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            </Layout.AnnotatedSection>

            <Layout.AnnotatedSection
              id="review"
              title="Limits and review"
              description="Kanta checks every referred order. Choose what happens when a check matches: hold it for you to approve or reject on the Referrals page, or reject it at once. A member's own order through their own link and a friend who was already referred are always rejected."
            >
              <Card>
                <FormLayout>
                  <TextField
                    label="Rewards per member per month (optional)"
                    type="number"
                    min={1}
                    autoComplete="off"
                    value={values.monthlyCap}
                    onChange={(monthlyCap) => set({ monthlyCap })}
                    error={errors.monthlyCap}
                    helpText="Referrals over the limit follow the choice for “Over the monthly limit” below. Leave empty for no limit."
                  />
                  {REVIEW_REASONS.map((reason) => (
                    <Select
                      key={reason}
                      label={REASON_LABELS[reason]}
                      helpText={REVIEW_HELP[reason]}
                      options={[
                        { label: "Hold for review", value: "hold" },
                        { label: "Reject automatically", value: "reject" },
                      ]}
                      value={values.review[reason] ?? "hold"}
                      onChange={(action) => set({ review: { ...values.review, [reason]: action } })}
                      error={errors[`review.${reason}`]}
                    />
                  ))}
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
          </Layout>
        </BlockStack>
      </SaveBarForm>
    </Page>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
