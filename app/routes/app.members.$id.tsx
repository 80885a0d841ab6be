import type { ActionFunctionArgs, LoaderFunctionArgs, HeadersFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  EmptyState,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  Modal,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AdjustError, adjustMemberPoints, getMemberDetail, parseAdjustment, setMemberExcluded } from "../loyalty/members/admin.server";
import { TierChangeError, changeMemberTier, getMemberTierOptions } from "../loyalty/tiers/manual.server";
import { AUTOMATIC_TIER } from "../loyalty/tiers/settings";
import { ByWidth } from "../components/ByWidth";
import { MemberLedgerTable, sourceLabel } from "../components/MemberLedgerTable";
import { showToast } from "../components/showToast";
import { requireAdmin } from "../shopify/admin.server";
import { Metric } from "../components/Metric";
import { SectionCard } from "../components/SectionCard";
import { MemberChallengesCard } from "../components/MemberChallengesCard";
import { getMemberChallenges } from "../loyalty/challenges/admin.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, local } = await requireAdmin(request);
  const member = await getMemberDetail(shop, params.id ?? "");
  const tierOptions = await getMemberTierOptions(shop, params.id ?? "");
  return { member, local, tierOptions, challenges: await getMemberChallenges(shop, params.id ?? "") };
};

type FieldErrors = Partial<Record<"points" | "reason" | "form" | "tier" | "until", string>>;
export type MemberActionResult =
  | { ok: true; intent: "adjust"; message: string; replayed: boolean }
  | { ok: true; intent: "exclude" | "include" | "tier"; message: string }
  | { ok: false; errors: FieldErrors };

// Expected errors come back as data (STYLE.md rule 5), shown on their field.
export const action = async ({ request, params }: ActionFunctionArgs): Promise<MemberActionResult> => {
  const { shop, staff, actor } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const memberId = params.id ?? "";
  try {
    if (intent === "adjust") {
      const input = { points: form.get("points") ?? undefined, reason: form.get("reason") ?? undefined, requestId: form.get("requestId") ?? undefined };
      const parsed = parseAdjustment(input);
      if (!parsed.success) {
        const errors: FieldErrors = {};
        for (const issue of parsed.error.issues) {
          const field = issue.path[0] === "points" || issue.path[0] === "reason" ? issue.path[0] : "form";
          errors[field] ??= issue.message;
        }
        return { ok: false, errors };
      }
      const { replayed } = await adjustMemberPoints({ shopDomain: shop, memberId, staff, actor, ...input });
      const points = parsed.data.points;
      return { ok: true, intent, replayed, message: `${points > 0 ? "Added" : "Removed"} ${Math.abs(points).toLocaleString("en")} points` };
    }
    if (intent === "tier") {
      const input = { tier: form.get("tier") ?? undefined, until: form.get("until") ?? "", reason: form.get("tierReason") ?? undefined };
      const { message } = await changeMemberTier({ shopDomain: shop, memberId, staff, actor, ...input });
      return { ok: true, intent, message };
    }
    if (intent === "exclude" || intent === "include") {
      await setMemberExcluded(shop, memberId, intent === "exclude", undefined, actor);
      return { ok: true, intent, message: intent === "exclude" ? "Member excluded from the program" : "Member included in the program" };
    }
    return { ok: false, errors: { form: "Unknown action" } };
  } catch (error) {
    if (error instanceof AdjustError) return { ok: false, errors: { [error.field ?? "form"]: error.message } };
    if (error instanceof TierChangeError) return { ok: false, errors: { [error.field === "reason" ? "reason" : error.field]: error.message } };
    throw error;
  }
};

function newRequestId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** "14 March 1990", or "14 March" without a year (the date as the member gave it, no time zone). */
function birthdayText(b: { month: number; day: number; year: number | null }): string {
  const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "long", timeZone: "UTC", ...(b.year ? { year: "numeric" } : {}) };
  return new Intl.DateTimeFormat("en-GB", options).format(Date.UTC(b.year ?? 2000, b.month - 1, b.day));
}

const TIER_REASON_LABELS: Record<string, string> = {
  qualified: "Qualified",
  review: "Period review",
  manual: "Set by hand",
  settings: "Tier settings changed",
};

export default function MemberPage() {
  const { member, tierOptions, challenges } = useLoaderData<typeof loader>();
  const adjust = useFetcher<typeof action>();
  const toggle = useFetcher<typeof action>();
  const tierChange = useFetcher<typeof action>();
  const [tierOpen, setTierOpen] = useState(false);
  const [tierForm, setTierForm] = useState({ tier: "", until: "", tierReason: "" });
  const [open, setOpen] = useState(false);
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const [requestId, setRequestId] = useState("");

  useEffect(() => {
    if (adjust.state === "idle" && adjust.data?.ok) {
      setOpen(false);
      showToast(adjust.data.message);
    }
  }, [adjust.state, adjust.data]);
  useEffect(() => {
    if (tierChange.state === "idle" && tierChange.data?.ok) {
      setTierOpen(false);
      showToast(tierChange.data.message);
    }
  }, [tierChange.state, tierChange.data]);
  useEffect(() => {
    if (toggle.state === "idle" && toggle.data) {
      showToast(toggle.data.ok ? toggle.data.message : (toggle.data.errors.form ?? "Could not save"));
    }
  }, [toggle.state, toggle.data]);

  if (!member) {
    return (
      <Page title="Member not found" backAction={{ content: "Members", url: "/app/members" }}>
        <Card>
          <EmptyState heading="This member does not exist" image="" action={{ content: "Back to members", url: "/app/members" }}>
            <p>They may have been erased at the customer's request. Find members on the Members page.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const number = new Intl.NumberFormat("en");
  const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: member.timezone });
  const date = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: member.timezone });
  const errors = adjust.data && !adjust.data.ok ? adjust.data.errors : {};
  const submitting = adjust.state !== "idle";
  const excluded = member.status === "excluded";
  const tierErrors: FieldErrors = tierChange.data && !tierChange.data.ok ? tierChange.data.errors : {};

  const openModal = () => {
    setPoints("");
    setReason("");
    setRequestId(newRequestId()); // one per opened form: a double click saves once
    setOpen(true);
  };
  const submit = () => adjust.submit({ intent: "adjust", points, reason, requestId }, { method: "post" });
  const preview = Number(points);

  return (
    <Page
      title={member.name}
      subtitle={member.email ?? undefined}
      backAction={{ content: "Members", url: "/app/members" }}
      titleMetadata={
        <InlineStack gap="100">
          {member.tier ? <Badge tone={member.tier.rank > 0 ? "info" : undefined}>{member.tier.name}</Badge> : null}
          {excluded ? <Badge tone="critical">Excluded</Badge> : null}
        </InlineStack>
      }
      primaryAction={{ content: "Adjust points", onAction: openModal, disabled: member.status === "redacted" }}
      secondaryActions={[
        {
          content: "Change tier",
          disabled: !tierOptions || tierOptions.tiers.length === 0 || member.status === "redacted",
          onAction: () => {
            setTierForm({ tier: tierOptions?.currentTierId ?? "", until: tierOptions?.manualUntil ?? "", tierReason: "" });
            setTierOpen(true);
          },
        },
        {
          content: excluded ? "Include in program" : "Exclude from program",
          destructive: !excluded,
          loading: toggle.state !== "idle",
          onAction: () => toggle.submit({ intent: excluded ? "include" : "exclude" }, { method: "post" }),
        },
        { content: "Activity log", url: `/app/activity?${new URLSearchParams({ subjectType: "member", subject: member.id })}` },
      ]}
    >
      <Layout>
        {excluded ? (
          <Layout.Section>
            <Banner tone="warning" title="This member is excluded">
              <p>They keep their points but earn and redeem nothing until you include them again.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
            <Metric
              label="Available points"
              value={number.format(member.points)}
              help={member.expiry ? `${number.format(member.expiry.points)} expire on ${date.format(new Date(member.expiry.at))} without activity` : undefined}
            />
            <Metric label="Pending points" value={number.format(member.pendingPoints)} help="Available after the return window" />
            <Metric label="Lifetime points" value={number.format(member.lifetimePoints)} help={`Member since ${date.format(new Date(member.enrolledAt))}`} />
            <Metric
              label="Birthday"
              value={member.birthday ? birthdayText(member.birthday) : "Not given"}
              help={member.birthday ? (member.birthday.changeableFrom ? `The member can change it from ${date.format(new Date(member.birthday.changeableFrom))}` : "The member can change it in the widget") : "Members add it in the widget"}
            />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <Text as="h2" variant="headingMd">
                Points history
              </Text>
            </Box>
            {member.ledger.length === 0 ? (
              <EmptyState heading="No points yet" image="">
                <p>Points appear here when this customer places an order, or when you adjust their points.</p>
              </EmptyState>
            ) : (
              <ByWidth narrow={<MemberLedgerTable ledger={member.ledger} dateTime={dateTime} number={number} condensed />} wide={<MemberLedgerTable ledger={member.ledger} dateTime={dateTime} number={number} condensed={false} />} />
            )}
          </Card>
        </Layout.Section>
        {member.tierChanges.length > 0 ? (
          <Layout.Section>
            <SectionCard title="Tier history">
              {member.tierManual ? (
                <Text as="p" tone="subdued">
                  {member.tierManualUntil
                    ? `Tier set by hand until ${date.format(new Date(member.tierManualUntil))}; it follows the member's qualification after that.`
                    : "Tier set by hand: the member keeps it (or moves higher by qualifying) until it is set back to automatic."}
                </Text>
              ) : null}
              {member.tierChanges.map((c) => (
                <InlineStack key={c.id} align="space-between" blockAlign="center" gap="200">
                  <BlockStack gap="050">
                    <Text as="span">{`${c.from ?? "No tier"} → ${c.to ?? "No tier"}`}</Text>
                    <Text as="span" tone="subdued" variant="bodySm">
                      {[dateTime.format(new Date(c.at)), TIER_REASON_LABELS[c.reason] ?? c.reason, c.reason === "manual" ? sourceLabel({ sourceGid: null, sourceName: null, actor: c.actor }) : null, c.note]
                        .filter(Boolean)
                        .join(" · ")}
                    </Text>
                  </BlockStack>
                  <Badge tone={c.sync === "done" ? "success" : c.sync === "dead" ? "critical" : undefined}>
                    {c.sync === "done" ? "Synced to Shopify" : c.sync === "dead" ? "Shopify sync failed" : "Syncing to Shopify"}
                  </Badge>
                </InlineStack>
              ))}
            </SectionCard>
          </Layout.Section>
        ) : null}
        {member.redemptions.length > 0 ? (
          <Layout.Section>
            <SectionCard title="Rewards redeemed">
              {member.redemptions.map((r) => (
                <InlineStack key={r.id} align="space-between" blockAlign="center" gap="200">
                  <BlockStack gap="050">
                    <Text as="span">{r.rewardName || "Reward"}</Text>
                    <Text as="span" tone="subdued" variant="bodySm">
                      {`${dateTime.format(new Date(r.at))}${r.code ? ` · ${r.code}` : ""}`}
                    </Text>
                  </BlockStack>
                  <InlineStack gap="200" blockAlign="center">
                    <Badge tone={r.status === "failed" || r.status === "dead" ? "critical" : r.status === "used" ? "success" : undefined}>{r.status}</Badge>
                    <Text as="span" numeric>{`${number.format(r.pointsSpent)} pts`}</Text>
                  </InlineStack>
                </InlineStack>
              ))}
            </SectionCard>
          </Layout.Section>
        ) : null}
        <MemberChallengesCard data={challenges} />
      </Layout>

      <Modal
        open={open}
        onClose={() => setOpen(false)}
        title={`Adjust points for ${member.name}`}
        primaryAction={{ content: "Save adjustment", onAction: submit, loading: submitting }}
        secondaryActions={[{ content: "Cancel", onAction: () => setOpen(false) }]}
      >
        <Modal.Section>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            <FormLayout>
              {errors.form ? <Banner tone="critical">{errors.form}</Banner> : null}
              <TextField
                label="Points"
                type="number"
                name="points"
                autoComplete="off"
                value={points}
                onChange={setPoints}
                error={errors.points}
                helpText={
                  Number.isInteger(preview) && preview !== 0 && member.points + preview >= 0
                    ? `New balance: ${number.format(member.points + preview)} points`
                    : Number.isInteger(preview) && member.points + preview < 0
                    ? `${number.format(member.points)} points are available to remove`
                    : "Use a negative number to remove points, e.g. -50."
                }
              />
              <TextField
                label="Reason"
                name="reason"
                autoComplete="off"
                value={reason}
                onChange={setReason}
                error={errors.reason}
                maxLength={200}
                showCharacterCount
                helpText="Saved in the points history. The customer does not see it."
              />
              <button type="submit" hidden />
            </FormLayout>
          </form>
        </Modal.Section>
      </Modal>

      <Modal
        open={tierOpen}
        onClose={() => setTierOpen(false)}
        title={`Change tier for ${member.name}`}
        primaryAction={{ content: "Save tier", loading: tierChange.state !== "idle", onAction: () => tierChange.submit({ intent: "tier", ...tierForm }, { method: "post" }) }}
        secondaryActions={[{ content: "Cancel", onAction: () => setTierOpen(false) }]}
      >
        <Modal.Section>
          <FormLayout>
            {tierErrors.form ? <Banner tone="critical">{tierErrors.form}</Banner> : null}
            <Select
              label="Tier"
              options={[
                ...(tierOptions?.manual ? [{ label: "Automatic (by qualification)", value: AUTOMATIC_TIER }] : []),
                ...(tierOptions?.tiers ?? []).map((t) => ({ label: t.name, value: t.id })),
              ]}
              value={tierForm.tier}
              onChange={(tier) => setTierForm((f) => ({ ...f, tier }))}
              error={tierErrors.tier}
              helpText={tierOptions?.manual ? "Set by hand now. Automatic lets the member's numbers decide again." : "Kept through reviews; qualifying for a higher tier still moves the member up."}
            />
            <TextField
              label="Keep until (optional)"
              type="date"
              autoComplete="off"
              value={tierForm.until}
              onChange={(until) => setTierForm((f) => ({ ...f, until }))}
              error={tierErrors.until}
              helpText={`The last day, in the shop's time zone (${tierOptions?.timezone ?? "UTC"}). Empty: until you change it.`}
            />
            <TextField
              label="Reason"
              autoComplete="off"
              value={tierForm.tierReason}
              onChange={(tierReason) => setTierForm((f) => ({ ...f, tierReason }))}
              error={tierErrors.reason}
              maxLength={200}
              showCharacterCount
            />
          </FormLayout>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

// Shopify's auth responses (App Bridge's retry and reauthorize headers) keep their headers on
// this page's single-fetch data requests only through a `headers` export here.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
