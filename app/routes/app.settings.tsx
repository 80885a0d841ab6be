import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  EmptyState,
  FormLayout,
  InlineGrid,
  InlineStack,
  Page,
  ProgressBar,
  Tag,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useState, type KeyboardEvent, type ReactNode } from "react";
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
import { KlaviyoSettingsError, getKlaviyoSettings, removeKlaviyoKey, saveKlaviyoKey, type KlaviyoSettingsView } from "../loyalty/notify/klaviyo-settings.server";
import { getEnrolmentCard, saveOptionsAndRequestEnrolment, type EnrolmentCard } from "../loyalty/members/existing-customers.server";
import { MAX_ENROL_ORDER_DAYS, enrolmentPhaseLabel, parseEnrolmentForm } from "../loyalty/members/existing-customers";
import { requestEnrolmentSweep } from "../jobs/enrolment.server";
import { requireAdmin } from "../shopify/admin.server";
import { NotSavedBanner, SaveBarForm } from "../components/SaveBarForm";

// Settings: program name and points names, expiry, pending period, excluded tags and the
// widget's appearance defaults. One form, saved with the contextual save bar; every field is
// checked on the server and nothing is saved while any is wrong.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [settings, klaviyo, enrolment] = await Promise.all([getProgramSettings(shop), getKlaviyoSettings(shop), getEnrolmentCard(shop)]);
  return { settings, klaviyo, enrolment };
};

export type SettingsActionResult = { ok: true; message: string } | { ok: false; errors: SettingsErrors & { enrolOrderDays?: string } };
export type KlaviyoActionResult = { ok: true; message: string; klaviyo: true } | { ok: false; error: string; klaviyo: true };

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

/** Polaris's app-settings layout: the explanation beside the card, above it on phones. */
function SettingsSection({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <InlineGrid columns={{ xs: "1fr", md: "2fr 5fr" }} gap="400">
      <Box as="section" paddingInlineStart={{ xs: "400", sm: "0" }} paddingInlineEnd={{ xs: "400", sm: "0" }}>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          <Text as="p" variant="bodyMd" tone="subdued">
            {description}
          </Text>
        </BlockStack>
      </Box>
      {children}
    </InlineGrid>
  );
}

/** Klaviyo: a private API key, saved on its own (not part of the settings form). */
function KlaviyoSection({ view }: { view: KlaviyoSettingsView }) {
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

function formatCount(n: number): string {
  return n.toLocaleString("en");
}

function runBadge(status: string) {
  if (status === "done") return <Badge tone="success">Done</Badge>;
  if (status === "failed") return <Badge tone="critical">Failed</Badge>;
  if (status === "running") return <Badge tone="info">Running</Badge>;
  return <Badge tone="attention">Waiting to start</Badge>;
}

type RunView = NonNullable<EnrolmentCard["last"]>;

function RunFigures({ run }: { run: RunView }) {
  const rows: [string, string][] = [
    ["New members", formatCount(run.enrolled)],
    ["Already members", formatCount(run.alreadyMembers)],
    ["Skipped (excluded tags)", formatCount(run.excludedSkipped)],
  ];
  if (run.options.orderDays > 0) {
    rows.push([`Past orders counted (last ${run.options.orderDays} days)`, formatCount(run.ordersCounted)]);
    if (run.options.awardPoints) rows.push(["Points awarded for them", formatCount(run.pointsAwarded)]);
  }
  return (
    <BlockStack gap="100">
      {rows.map(([label, value]) => (
        <InlineStack key={label} align="space-between" blockAlign="center" gap="200" wrap={false}>
          <Text as="span" tone="subdued">
            {label}
          </Text>
          <Text as="span" fontWeight="semibold" numeric>
            {value}
          </Text>
        </InlineStack>
      ))}
    </BlockStack>
  );
}

/** "Existing customers": the enrolment's options, its progress (polled while it runs) and the last run's figures. */
function EnrolmentSection({ card }: { card: EnrolmentCard }) {
  const fetcher = useFetcher<typeof action>();
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [days, setDays] = useState(String(card.options.orderDays));
  const [awardPoints, setAwardPoints] = useState(card.options.awardPoints);
  const [signupBonus, setSignupBonus] = useState(card.options.signupBonus);
  const active = card.active;
  const errors: SettingsErrors & { enrolOrderDays?: string } = fetcher.data && !fetcher.data.ok && "errors" in fetcher.data ? fetcher.data.errors : {};
  const starting = fetcher.state !== "idle";

  // Progress lives in the database: polling while a run is active survives reloads.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) shopify.toast.show(fetcher.data.message);
    else shopify.toast.show("Enrolment didn't start. Check the highlighted field.", { isError: true });
  }, [fetcher.state, fetcher.data, shopify]);

  const start = () =>
    fetcher.submit({ intent: "enrol", enrolOrderDays: days, enrolAwardPoints: awardPoints ? "on" : "", enrolSignupBonus: signupBonus ? "on" : "" }, { method: "post" });
  const countsOrders = days.trim() !== "" && days.trim() !== "0";
  const progress = active && active.phaseTotal ? Math.min(100, Math.round(((active.phase === "customers" ? active.customersSeen : active.ordersSeen) / Math.max(1, active.phaseTotal)) * 100)) : null;

  return (
    <SettingsSection title="Existing customers" description="Kanta enrols the customers your shop already has, and can place them in tiers by what they ordered recently. It runs when the app is installed; run it again at any time: nobody is enrolled or paid twice.">
      <Card roundedAbove="sm">
        <BlockStack gap="400">
          {active ? (
            <BlockStack gap="200">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  {enrolmentPhaseLabel(active.phase)}
                </Text>
                {runBadge(active.status)}
              </InlineStack>
              <ProgressBar progress={progress ?? 0} size="small" tone="primary" animated ariaLabelledBy="enrolment-progress" />
              <Text as="p" tone="subdued" id="enrolment-progress">
                {active.phase === "customers"
                  ? `${formatCount(active.customersSeen)}${active.phaseTotal ? ` of ${formatCount(active.phaseTotal)}` : ""} customers read, ${formatCount(active.enrolled)} enrolled`
                  : `${formatCount(active.ordersSeen)}${active.phaseTotal ? ` of ${formatCount(active.phaseTotal)}` : ""} orders read, ${formatCount(active.ordersCounted)} counted`}
              </Text>
              {active.lastError ? (
                <Banner tone="warning" title="Shopify didn't answer; Kanta will try again">
                  <p>{active.lastError}</p>
                </Banner>
              ) : null}
            </BlockStack>
          ) : null}
          {card.last ? (
            <BlockStack gap="200">
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <Text as="h3" variant="headingSm">
                  {`Last run: ${new Date(card.last.finishedAt ?? card.last.createdAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}${card.last.trigger === "install" ? " (on install)" : ""}`}
                </Text>
                {runBadge(card.last.status)}
              </InlineStack>
              {card.last.status === "failed" && card.last.lastError ? (
                <Banner tone="critical" title="The last run stopped">
                  <p>{card.last.lastError}</p>
                </Banner>
              ) : null}
              <RunFigures run={card.last} />
            </BlockStack>
          ) : !active ? (
            <Text as="p" tone="subdued">
              Not run yet.
            </Text>
          ) : null}
          <Box borderBlockStartWidth="025" borderColor="border" paddingBlockStart="400">
            <FormLayout>
              <Box maxWidth="360px">
                <TextField
                  label="Count orders from the last"
                  type="number"
                  min={0}
                  max={MAX_ENROL_ORDER_DAYS}
                  suffix="days"
                  autoComplete="off"
                  value={days}
                  onChange={setDays}
                  error={errors.enrolOrderDays}
                  helpText={`For tier placement. 0 to skip orders; at most ${MAX_ENROL_ORDER_DAYS} (the orders Shopify lets Kanta read).`}
                />
              </Box>
              <Checkbox label="Also award points for those orders" checked={awardPoints && countsOrders} disabled={!countsOrders} onChange={setAwardPoints} helpText="At your earning rate. An order is never paid twice, also when Shopify sends it again later." />
              <Checkbox label="Give new members the sign-up bonus" checked={signupBonus} onChange={setSignupBonus} helpText="Only while the program is live." />
              <InlineStack>
                <Button variant="primary" onClick={start} loading={starting} disabled={Boolean(active)}>
                  {active ? "Enrolment running" : card.last ? "Run again" : "Enrol existing customers"}
                </Button>
              </InlineStack>
            </FormLayout>
          </Box>
        </BlockStack>
      </Card>
    </SettingsSection>
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
    <Page title="Settings" subtitle="How your loyalty program is named, when points expire, and how the widget looks" backAction={{ content: "Home", url: "/app" }} primaryAction={{ content: "Save", onAction: save, loading: saving, disabled: !dirty }} secondaryActions={[{ content: "Activity log", url: "/app/activity" }]}>
      <SaveBarForm id="settings-save-bar" dirty={dirty} saving={saving} onSave={save} onDiscard={discard}>
        <BlockStack gap="500">
          <NotSavedBanner title="Settings weren't saved" errorCount={errorCount} formError={errors.form} />
          <BlockStack gap={{ xs: "800", sm: "400" }}>
            <SettingsSection title="Program and points names" description="What shoppers see in the widget. Leave a language empty to use Kanta's own words.">
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
