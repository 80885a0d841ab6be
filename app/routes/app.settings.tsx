import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  EmptyState,
  FormLayout,
  InlineStack,
  Page,
  Tag,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useState, type KeyboardEvent } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  SettingsError,
  getProgramSettings,
  parseSettingsForm,
  saveProgramSettings,
  type SettingsErrors,
  type SettingsField,
  type SettingsFormValues,
} from "../loyalty/program/settings.server";
import {
  BUILT_IN_POINTS_NAMES,
  MAX_EXPIRY_MONTHS,
  MAX_PENDING_DAYS,
  MAX_REMINDER_DAYS,
  MAX_WINBACK_DAYS,
  DEFAULT_PROGRAM_NAME,
  MIN_CONTRAST,
  WIDGET_LANGUAGES,
  contrastRatio,
  fallbackTextColour,
  normaliseHexColour,
} from "../loyalty/program/settings";
import { excludeTaggedMembers } from "../loyalty/members/enrol.server";
import { KlaviyoSettingsError, getKlaviyoSettings, removeKlaviyoKey, saveKlaviyoKey } from "../loyalty/notify/klaviyo-settings.server";
import { getEnrolmentCard, saveOptionsAndRequestEnrolment } from "../loyalty/members/existing-customers.server";
import { parseEnrolmentForm } from "../loyalty/members/existing-customers";
import { requestEnrolmentSweep } from "../jobs/enrolment.server";
import { requireAdmin } from "../shopify/admin.server";
import { NotSavedBanner, SaveBarForm } from "../components/SaveBarForm";
import { EnrolmentSection } from "../components/settings/EnrolmentSection";
import { KlaviyoSection } from "../components/settings/KlaviyoSection";
import { SettingsSection } from "../components/settings/SettingsSection";
import type { KlaviyoActionResult } from "../loyalty/notify/klaviyo-settings";

// Settings: program name and points names, expiry, pending period, excluded tags and the
// widget's appearance defaults. One form, saved with the contextual save bar; every field is
// checked on the server and nothing is saved while any is wrong.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [settings, klaviyo, enrolment] = await Promise.all([getProgramSettings(shop), getKlaviyoSettings(shop), getEnrolmentCard(shop)]);
  return { settings, klaviyo, enrolment };
};

export type SettingsActionResult = { ok: true; message: string } | { ok: false; errors: SettingsErrors & { enrolOrderDays?: string } };

/** The Klaviyo card's own form (intent klaviyo-save / klaviyo-remove), apart from the settings form. */
async function klaviyoAction(shop: string, form: FormData): Promise<KlaviyoActionResult> {
  if (form.get("intent") === "klaviyo-remove") {
    await removeKlaviyoKey(shop);
    return { ok: true, message: "Klaviyo disconnected", klaviyo: true };
  }
  try {
    await saveKlaviyoKey(shop, String(form.get("klaviyoKey") ?? ""));
    return { ok: true, message: "Klaviyo connected", klaviyo: true };
  } catch (error) {
    if (error instanceof KlaviyoSettingsError) return { ok: false, error: error.message, klaviyo: true };
    throw error;
  }
}

export const action = async ({ request }: ActionFunctionArgs): Promise<SettingsActionResult | KlaviyoActionResult> => {
  const { shop, actor, staff } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "klaviyo-save" || intent === "klaviyo-remove") return klaviyoAction(shop, form);
  if (intent === "enrol") {
    const options = parseEnrolmentForm({ orderDays: form.get("enrolOrderDays")?.toString(), awardPoints: form.get("enrolAwardPoints")?.toString(), signupBonus: form.get("enrolSignupBonus")?.toString() });
    if (!options.ok) return { ok: false, errors: options.errors };
    const { created } = await saveOptionsAndRequestEnrolment(shop, options.options, staff, undefined, actor);
    if (created) requestEnrolmentSweep();
    return { ok: true, message: created ? "Enrolment started" : "An enrolment is already running" };
  }
  const parsed = parseSettingsForm(Object.fromEntries(form));
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  try {
    await saveProgramSettings(shop, parsed.data, undefined, actor);
  } catch (error) {
    if (error instanceof SettingsError) return { ok: false, errors: { form: error.message } };
    throw error;
  }
  const excluded = await excludeTaggedMembers(shop, undefined, actor);
  return {
    ok: true,
    message: excluded > 0 ? `Settings saved. ${excluded} ${excluded === 1 ? "member" : "members"} with an excluded tag left the program` : "Settings saved",
  };
};

/** The form's values as the action reads them. */
function toFormBody(v: SettingsFormValues): Record<string, string> {
  const body: Record<string, string> = {
    programName: v.programName,
    expiryPolicy: v.expiryPolicy,
    expiryMonths: v.expiryMonths,
    expiryReminderDays: v.expiryReminderDays,
    winbackDays: v.winbackDays,
    pendingDays: v.pendingDays,
    excludedTags: JSON.stringify(v.excludedTags),
    accent: v.accent,
    onAccent: v.onAccent,
    position: v.position,
    label: v.label,
  };
  for (const { code } of WIDGET_LANGUAGES) {
    body[`name_${code}_singular`] = v.names[code].singular;
    body[`name_${code}_plural`] = v.names[code].plural;
  }
  return body;
}

function ColourField({ label, value, onChange, error }: { label: string; value: string; onChange: (v: string) => void; error?: string }) {
  const colour = normaliseHexColour(value);
  return (
    <TextField
      label={label}
      value={value}
      onChange={onChange}
      error={error}
      autoComplete="off"
      maxLength={7}
      prefix={<span aria-hidden="true" style={{ display: "block", width: 16, height: 16, borderRadius: 4, background: colour ?? "transparent", boxShadow: "inset 0 0 0 1px rgba(0,0,0,.25)" }} />}
      connectedRight={
        <input
          type="color"
          aria-label={`Pick ${label.toLowerCase()}`}
          value={colour ?? "#000000"}
          onChange={(event) => onChange(event.currentTarget.value)}
          style={{ display: "block", boxSizing: "border-box", width: 44, height: 32, padding: 3, border: "var(--p-border-width-025) solid var(--p-color-input-border)", borderRadius: "var(--p-border-radius-200)", background: "var(--p-color-bg-surface)", cursor: "pointer" }}
        />
      }
    />
  );
}

export default function Settings() {
  const { settings, klaviyo, enrolment } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const fetcher = useFetcher<SettingsActionResult>();
  const initial = settings?.values;
  const [values, setValues] = useState<SettingsFormValues | undefined>(initial);
  const [newTag, setNewTag] = useState("");

  // A saved change is the new baseline. Compared by content: loaders also rerun after a
  // refused save, and that must not wipe what the merchant typed.
  const baseline = JSON.stringify(initial ?? null);
  useEffect(() => setValues((JSON.parse(baseline) as SettingsFormValues | null) ?? undefined), [baseline]);
  const dirty = useMemo(() => JSON.stringify(values ?? null) !== baseline, [values, baseline]);
  const result = fetcher.data && !("klaviyo" in fetcher.data) ? fetcher.data : undefined;
  const errors: SettingsErrors = result && !result.ok ? result.errors : {};
  const saving = fetcher.state !== "idle";

  useEffect(() => {
    if (fetcher.state !== "idle" || !result) return;
    if (result.ok) shopify.toast.show(result.message);
    else shopify.toast.show("Settings weren't saved. Check the highlighted fields.", { isError: true });
  }, [fetcher.state, result, shopify]);

  if (!values || !initial) {
    return (
      <Page title="Settings">
        <Card>
          <EmptyState heading="No program for this shop yet" image="">
            <p>Kanta creates the program when the app is installed. Reinstall the app if this page stays empty.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const set = (patch: Partial<SettingsFormValues>) => setValues((v) => (v ? { ...v, ...patch } : v));
  const setName = (code: keyof SettingsFormValues["names"], part: "singular" | "plural", value: string) =>
    set({ names: { ...values.names, [code]: { ...values.names[code], [part]: value } } });
  const save = () => fetcher.submit(toFormBody(values), { method: "post" });
  const discard = () => {
    setValues(initial);
    setNewTag("");
  };
  const addTags = () => {
    const added = newTag.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean);
    if (added.length) set({ excludedTags: [...new Set([...values.excludedTags, ...added])] });
    setNewTag("");
  };
  const onTagKey = (event: KeyboardEvent) => {
    if (event.key === "Enter") {
      event.preventDefault();
      addTags();
    }
  };
  const err = (field: SettingsField) => errors[field];

  const ratio = contrastRatio(values.accent, values.onAccent);
  const lowContrast = ratio !== null && ratio < MIN_CONTRAST;
  const accent = normaliseHexColour(values.accent) ?? "#1f4d3d";
  const textOnAccent = lowContrast ? fallbackTextColour(accent) : (normaliseHexColour(values.onAccent) ?? "#ffffff");
  const englishName = values.names.en.plural.trim() || BUILT_IN_POINTS_NAMES.en.plural;
  const launcherLabel = values.label.trim() || (values.programName.trim() && values.programName.trim() !== DEFAULT_PROGRAM_NAME ? values.programName.trim() : "Rewards");
  const errorCount = Object.keys(errors).length;

  return (
    <Page title="Settings" subtitle="How your loyalty program is named, when points expire, and how the widget looks" backAction={{ content: "Home", url: "/app" }} primaryAction={{ content: "Save", onAction: save, loading: saving, disabled: !dirty }} secondaryActions={[{ content: "Texts and languages", url: "/app/texts" }, { content: "Activity log", url: "/app/activity" }]}>
      <SaveBarForm id="settings-save-bar" dirty={dirty} saving={saving} onSave={save} onDiscard={discard}>
        <BlockStack gap="500">
          <NotSavedBanner title="Settings weren't saved" errorCount={errorCount} formError={errors.form} />
          <BlockStack gap={{ xs: "800", sm: "400" }}>
            <SettingsSection title="Program and points names" description="What shoppers see in the widget. Leave a language empty to use Kanta's own words; change any other text under Texts and languages.">
              <Card roundedAbove="sm">
                <FormLayout>
                  <TextField label="Program name" autoComplete="off" maxLength={40} value={values.programName} onChange={(programName) => set({ programName })} error={err("programName")} helpText="The widget's title for shoppers who haven't joined yet." />
                  {WIDGET_LANGUAGES.map(({ code, label }) => (
                    <FormLayout.Group key={code} condensed>
                      <TextField
                        label={`${label}: one`}
                        autoComplete="off"
                        value={values.names[code].singular}
                        placeholder={BUILT_IN_POINTS_NAMES[code].singular}
                        onChange={(v) => setName(code, "singular", v)}
                        error={err(`name_${code}_singular`)}
                      />
                      <TextField
                        label={`${label}: many`}
                        autoComplete="off"
                        value={values.names[code].plural}
                        placeholder={BUILT_IN_POINTS_NAMES[code].plural}
                        onChange={(v) => setName(code, "plural", v)}
                        error={err(`name_${code}_plural`)}
                      />
                    </FormLayout.Group>
                  ))}
                  <Text as="p" tone="subdued" variant="bodySm">
                    {`Example: “1 ${values.names.en.singular.trim() || BUILT_IN_POINTS_NAMES.en.singular}”, “340 ${englishName}”.`}
                  </Text>
                </FormLayout>
              </Card>
            </SettingsSection>

            <SettingsSection title="Points expiry" description="Tell members whether and when points expire. Expiry by inactivity only takes points from members who have done nothing for the whole period.">
              <Card roundedAbove="sm">
                <ChoiceList
                  title="When do points expire?"
                  titleHidden
                  selected={[values.expiryPolicy]}
                  onChange={([expiryPolicy]) => set({ expiryPolicy: expiryPolicy === "inactivity" ? "inactivity" : "none" })}
                  error={err("expiryPolicy")}
                  choices={[
                    { label: "Points never expire", value: "none" },
                    {
                      label: "Points expire after a period without activity",
                      value: "inactivity",
                      helpText: "Earning or redeeming points counts as activity.",
                      renderChildren: (selected) =>
                        selected ? (
                          <Box maxWidth="360px" paddingBlockStart="200">
                            <BlockStack gap="300">
                              <TextField
                                label="Months without activity"
                                type="number"
                                min={1}
                                max={MAX_EXPIRY_MONTHS}
                                suffix="months"
                                autoComplete="off"
                                value={values.expiryMonths}
                                onChange={(expiryMonths) => set({ expiryMonths })}
                                error={err("expiryMonths")}
                                helpText={`1 to ${MAX_EXPIRY_MONTHS} months.`}
                              />
                              <TextField
                                label="Remind members before points expire"
                                type="number"
                                min={1}
                                max={MAX_REMINDER_DAYS}
                                suffix="days before"
                                autoComplete="off"
                                value={values.expiryReminderDays}
                                onChange={(expiryReminderDays) => set({ expiryReminderDays })}
                                error={err("expiryReminderDays")}
                                helpText={`Once per expiry date, with the amount and the date. Leave empty for no reminder (1 to ${MAX_REMINDER_DAYS} days).`}
                              />
                            </BlockStack>
                          </Box>
                        ) : null,
                    },
                  ]}
                />
              </Card>
            </SettingsSection>

            <SettingsSection title="Win-back" description="Tell members who have not ordered for a while that their points are waiting. Once per stretch without an order: only a new order starts the count again.">
              <Card roundedAbove="sm">
                <Box maxWidth="360px">
                  <TextField
                    label="Days without an order"
                    type="number"
                    min={7}
                    max={MAX_WINBACK_DAYS}
                    suffix="days"
                    autoComplete="off"
                    value={values.winbackDays}
                    onChange={(winbackDays) => set({ winbackDays })}
                    error={err("winbackDays")}
                    helpText={`7 to ${MAX_WINBACK_DAYS} days. Leave empty to send no win-back message.`}
                  />
                </Box>
              </Card>
            </SettingsSection>

            <SettingsSection title="Pending period" description="Points from an order become spendable after this many days, so a return inside the window takes back points that were never spent.">
              <Card roundedAbove="sm">
                <Box maxWidth="360px">
                  <TextField
                    label="Days before order points can be spent"
                    type="number"
                    min={0}
                    max={MAX_PENDING_DAYS}
                    suffix="days"
                    autoComplete="off"
                    value={values.pendingDays}
                    onChange={(pendingDays) => set({ pendingDays })}
                    error={err("pendingDays")}
                    helpText={`0 (spendable at once) to ${MAX_PENDING_DAYS} days. Applies to orders paid from now on.`}
                  />
                </Box>
              </Card>
            </SettingsSection>

            <SettingsSection title="Excluded customers" description="Customers with any of these tags join as excluded: they earn and redeem nothing. Staff or wholesale accounts, for example.">
              <Card roundedAbove="sm">
                <BlockStack gap="300">
                  <div onKeyDown={onTagKey} role="presentation">
                    <TextField
                      label="Add a customer tag"
                      autoComplete="off"
                      value={newTag}
                      onChange={setNewTag}
                      placeholder="wholesale"
                      error={err("excludedTags")}
                      helpText="Press Enter or Add. Tags are matched without regard to case."
                      connectedRight={<Button onClick={addTags} disabled={!newTag.trim()}>Add</Button>}
                    />
                  </div>
                  {values.excludedTags.length ? (
                    <InlineStack gap="200" wrap>
                      {values.excludedTags.map((tag) => (
                        <Tag key={tag} onRemove={() => set({ excludedTags: values.excludedTags.filter((t) => t !== tag) })} accessibilityLabel={`Remove tag ${tag}`}>
                          {tag}
                        </Tag>
                      ))}
                    </InlineStack>
                  ) : (
                    <Text as="p" tone="subdued">
                      No excluded tags: every customer can join.
                    </Text>
                  )}
                </BlockStack>
              </Card>
            </SettingsSection>

            <SettingsSection title="Widget appearance" description="Defaults for the storefront widget. Settings you make in the theme editor take precedence over these.">
              <Card roundedAbove="sm">
                <BlockStack gap="400">
                  <FormLayout>
                    <FormLayout.Group>
                      <ColourField label="Accent colour" value={values.accent} onChange={(accent) => set({ accent })} error={err("accent")} />
                      <ColourField label="Text on accent" value={values.onAccent} onChange={(onAccent) => set({ onAccent })} error={err("onAccent")} />
                    </FormLayout.Group>
                    {lowContrast ? (
                      <Banner tone="warning" title={`Contrast ${ratio.toFixed(1)}:1 is below ${MIN_CONTRAST}:1`}>
                        <p>{`Some shoppers can't read text in these colours (WCAG AA asks for at least ${MIN_CONTRAST}:1). The widget will use ${textOnAccent === "#000000" ? "black" : "white"} text on this accent instead.`}</p>
                      </Banner>
                    ) : null}
                    <ChoiceList
                      title="Launcher position"
                      selected={[values.position]}
                      onChange={([position]) => set({ position: position === "bottom-left" ? "bottom-left" : "bottom-right" })}
                      error={err("position")}
                      choices={[
                        { label: "Bottom right", value: "bottom-right" },
                        { label: "Bottom left", value: "bottom-left" },
                      ]}
                    />
                    <TextField label="Launcher label" autoComplete="off" maxLength={30} value={values.label} onChange={(label) => set({ label })} error={err("label")} placeholder={launcherLabel} helpText="Leave empty to use the program name (or “Rewards” in the shopper's language)." />
                  </FormLayout>
                  <BlockStack gap="200">
                    <Text as="p" variant="headingSm">
                      Preview
                    </Text>
                    <Box background="bg-surface-secondary" borderRadius="200" padding="400">
                      <InlineStack align={values.position === "bottom-left" ? "start" : "end"}>
                        <span
                          data-testid="launcher-preview"
                          style={{ display: "inline-flex", alignItems: "center", gap: 8, padding: "10px 16px", borderRadius: 999, background: accent, color: textOnAccent, fontWeight: 600, boxShadow: "0 2px 8px rgba(0,0,0,.2)" }}
                        >
                          <span>{launcherLabel}</span>
                          <span style={{ opacity: 0.85, fontWeight: 500 }}>{`340 ${englishName}`}</span>
                        </span>
                      </InlineStack>
                    </Box>
                  </BlockStack>
                </BlockStack>
              </Card>
            </SettingsSection>
          </BlockStack>
        </BlockStack>
      </SaveBarForm>
      {/* Outside the save bar's form: running the enrolment is an action, not a setting to save. */}
      {enrolment ? (
        <Box paddingBlockStart={{ xs: "800", sm: "400" }}>
          <EnrolmentSection card={enrolment} />
        </Box>
      ) : null}
      <Box paddingBlockStart={{ xs: "800", sm: "400" }} paddingBlockEnd="800">
        <KlaviyoSection view={klaviyo} />
      </Box>
    </Page>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
