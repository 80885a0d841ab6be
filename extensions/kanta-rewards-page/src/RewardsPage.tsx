import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { KantaApiError } from "../../kanta-api";
import { getMember, newRequestId, pickLanguage, redeem, texts, type MemberView, type Redemption, type Reward, type Texts } from "../../kanta-customer-account";
import { ENGLISH } from "./locales";

// customer-account.page.render: Kanta's "Rewards" page in the customer account.
export default async () => {
  render(<RewardsPage />, document.body);
};

type Load = { state: "loading" } | { state: "error"; message: string } | { state: "ready"; view: MemberView };

function RewardsPage() {
  const locale = shopify.localization.language.value.isoCode;
  const lang = pickLanguage(locale);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const base = texts(ENGLISH, lang);

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const view = await getMember(await shopify.sessionToken.get(), locale);
        if (live) setLoad({ state: "ready", view });
      } catch (error) {
        if (live) setLoad({ state: "error", message: errorText(base, error) });
      }
    })();
    return () => {
      live = false;
    };
  }, [attempt]);

  const tx = load.state === "ready" ? texts(ENGLISH, load.view.language ?? lang, load.view.program.pointsName, load.view.texts) : base;
  const title = load.state === "ready" ? (load.view.program.programName ?? tx.t("page.page_title")) : base.t("page.page_title");
  return (
    <s-page heading={title}>
      {load.state === "loading" ? (
        <s-section accessibilityLabel={base.t("general.loading")}>
          <s-skeleton-paragraph />
        </s-section>
      ) : load.state === "error" ? (
        <s-banner tone="critical" heading={load.message}>
          <s-button onClick={() => (setLoad({ state: "loading" }), setAttempt((n) => n + 1))}>{base.t("general.retry")}</s-button>
        </s-banner>
      ) : (
        <Member view={load.view} tx={tx} onChange={(view) => setLoad({ state: "ready", view })} reload={() => setAttempt((n) => n + 1)} />
      )}
    </s-page>
  );
}

function errorText(tx: Texts, error: unknown): string {
  if (error instanceof KantaApiError) {
    if (error.status === 401) return tx.t("errors.not_signed_in");
    if (error.status === 429) return tx.t("errors.rate_limited");
  }
  if (error instanceof KantaApiError) return tx.t("general.load_error");
  return tx.t("errors.network");
}

function Member({ view, tx, onChange, reload }: { view: MemberView; tx: Texts; onChange: (view: MemberView) => void; reload: () => void }) {
  const customer = view.customer;
  if (!customer) {
    return (
      <s-banner tone="info" heading={tx.t("guest.title")}>
        <s-text>{tx.t("member.setup_text")}</s-text>
      </s-banner>
    );
  }
  if (customer.status !== "active") {
    return (
      <s-banner tone="warning" heading={tx.t("member.excluded_title")}>
        <s-text>{tx.t("member.excluded_text")}</s-text>
      </s-banner>
    );
  }
  const issued = (r: Redemption) => {
    // The new code first in "Your codes", the balance as the server left it after the debit.
    const redemptions = [r, ...customer.redemptions.filter((x) => x.id !== r.id)];
    onChange({ ...view, customer: { ...customer, points: customer.points - r.pointsSpent, redemptions } });
    reload();
  };
  return (
    <s-stack direction="block" gap="base">
      <Summary view={view} tx={tx} />
      <Rewards view={view} tx={tx} onIssued={issued} />
      {customer.redemptions.some((r) => r.kind !== "store_credit") ? <Codes redemptions={customer.redemptions.filter((r) => r.kind !== "store_credit")} tx={tx} /> : null}
      <Ways view={view} tx={tx} />
      {customer.referral ? <Referral url={customer.referral.url} friends={customer.referral.friendsJoined} tx={tx} /> : null}
      <History view={view} tx={tx} />
    </s-stack>
  );
}

function Summary({ view, tx }: { view: MemberView; tx: Texts }) {
  const c = view.customer!;
  const tier = c.tier;
  const amount = (n: number) => (tier?.basis === "spend" ? tx.money(n, view.program.currencyCode) : tier?.basis === "orders" ? tx.t("tiers.orders", { count: n }) : tx.points(n));
  return (
    <s-section heading={c.firstName ? tx.t("member.greeting", { name: c.firstName }) : tx.t("member.greeting_no_name")}>
      <s-grid gridTemplateColumns="1fr auto" gap="base" alignItems="center">
        <s-stack direction="block" gap="small-300">
          <s-text color="subdued">{tx.t("page.available")}</s-text>
          <s-heading>{tx.points(c.points)}</s-heading>
          {c.pendingPoints > 0 ? (
            <s-text color="subdued">
              {tx.t("member.pending", { count: c.pendingPoints })} · {tx.t("member.pending_note")}
            </s-text>
          ) : null}
        </s-stack>
        {tier ? <s-badge tone="neutral">{tier.name}</s-badge> : null}
      </s-grid>
      {tier ? (
        <s-stack direction="block" gap="small-300" paddingBlockStart="base">
          {tier.next ? (
            <>
              <s-progress value={tier.progress} max={tier.progress + tier.next.remaining} accessibilityLabel={tx.t("member.tier_progress", { tier: tier.next.name })} />
              <s-text color="subdued">
                {tier.periodEnd
                  ? tx.t("member.tier_more_by", { amount: amount(tier.next.remaining), date: tx.date(tier.periodEnd), tier: tier.next.name })
                  : tx.t("member.tier_more", { amount: amount(tier.next.remaining), tier: tier.next.name })}
              </s-text>
            </>
          ) : (
            <s-text color="subdued">{tx.t("member.tier_top", { tier: tier.name })}</s-text>
          )}
        </s-stack>
      ) : null}
    </s-section>
  );
}

function rewardCost(r: Reward): number {
  return r.rate ? r.rate.pointsPerUnit : r.pointsCost;
}

function rewardDetail(r: Reward, tx: Texts, currency: string): string {
  const parts: string[] = [];
  if (r.rate) parts.push(tx.t("rewards.worth", { amount: tx.money(r.rate.unitMinor, currency) }));
  else if (r.type === "store_credit" && r.valueMinor) parts.push(tx.t("rewards.credit_value", { amount: tx.money(r.valueMinor, currency) }));
  if (r.minOrderMinor) parts.push(tx.t("rewards.min_order", { amount: tx.money(r.minOrderMinor, currency) }));
  return parts.join(" · ");
}

function Rewards({ view, tx, onIssued }: { view: MemberView; tx: Texts; onIssued: (r: Redemption) => void }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState<{ rewardId: string; requestId: string } | null>(null);
  const [result, setResult] = useState<{ tone: "success" | "critical" | "info"; heading: string; code?: string; note?: string } | null>(null);

  const run = async (reward: Reward) => {
    // One request id per attempt: a retry of the same request (network, double click) reuses
    // it, so the server debits once.
    const attempt = busy?.rewardId === reward.id ? busy : { rewardId: reward.id, requestId: newRequestId() };
    setBusy(attempt);
    setResult(null);
    try {
      const answer = await redeem(await shopify.sessionToken.get(), { ...attempt, ...(reward.rate ? { points: rewardCost(reward) } : {}) });
      setBusy(null);
      setConfirming(null);
      const { code, kind, creditMinor } = answer.redemption;
      if (kind === "store_credit") {
        setResult(
          creditMinor !== null
            ? { tone: "success", heading: tx.t("rewards.credit_added", { amount: tx.money(creditMinor, view.program.currencyCode) }), note: tx.t("rewards.credit_note") }
            : { tone: "info", heading: tx.t("rewards.credit_pending") },
        );
      } else {
        setResult(code ? { tone: "success", heading: tx.t("rewards.code_ready"), code } : { tone: "info", heading: tx.t("rewards.code_pending") });
      }
      onIssued(answer.redemption);
    } catch (error) {
      const code = error instanceof KantaApiError ? error.message : "";
      // A refusal is final for this request id; a network failure keeps it for the retry.
      if (error instanceof KantaApiError) setBusy(null);
      else setBusy({ ...attempt });
      setResult({ tone: "critical", heading: refusal(tx, error, code) });
    }
  };

  return (
    <s-section heading={tx.t("sections.rewards")}>
      <s-stack direction="block" gap="base">
        {result ? (
          <s-banner tone={result.tone} heading={result.heading}>
            {result.code ? <CopyCode code={result.code} tx={tx} id="kanta-new-code" /> : null}
            {result.note ? <s-text>{result.note}</s-text> : null}
          </s-banner>
        ) : null}
        {view.rewards.length === 0 ? <s-text color="subdued">{tx.t("rewards.empty")}</s-text> : null}
        {view.rewards.map((r) => {
          const cost = rewardCost(r);
          const detail = rewardDetail(r, tx, view.program.currencyCode);
          const why =
            r.reason === "insufficient_points"
              ? tx.t("rewards.need_more", { count: r.neededPoints })
              : r.reason === "tier_required"
                ? r.minTierName
                  ? tx.t("rewards.tier_locked", { tier: r.minTierName })
                  : tx.t("rewards.tier_required")
                : r.reason
                  ? tx.t("rewards.unavailable")
                  : "";
          return (
            <s-box key={r.id} border="base" borderRadius="base" padding="base">
              <s-grid gridTemplateColumns="1fr auto" gap="base" alignItems="center">
                <s-stack direction="block" gap="small-400">
                  <s-text type="strong">{r.name}</s-text>
                  <s-text color="subdued">{[tx.points(cost), detail].filter(Boolean).join(" · ")}</s-text>
                  {why ? <s-text color="subdued">{why}</s-text> : null}
                </s-stack>
                {confirming === r.id ? (
                  <s-stack direction="inline" gap="small-200">
                    <s-button variant="secondary" disabled={busy !== null} onClick={() => setConfirming(null)}>
                      {tx.t("rewards.cancel")}
                    </s-button>
                    <s-button variant="primary" loading={busy?.rewardId === r.id} onClick={() => run(r)}>
                      {tx.t("rewards.confirm")}
                    </s-button>
                  </s-stack>
                ) : (
                  <s-button variant="secondary" disabled={!r.redeemable || busy !== null} onClick={() => (setConfirming(r.id), setResult(null))}>
                    {tx.t("rewards.redeem")}
                  </s-button>
                )}
              </s-grid>
              {confirming === r.id ? <s-text color="subdued">{tx.t("rewards.confirm_question", { count: cost, reward: r.name })}</s-text> : null}
            </s-box>
          );
        })}
      </s-stack>
    </s-section>
  );
}

function refusal(tx: Texts, error: unknown, message: string): string {
  if (!(error instanceof KantaApiError)) return tx.t("errors.network");
  if (error.status === 401) return tx.t("errors.not_signed_in");
  if (error.status === 429) return tx.t("errors.rate_limited");
  if (error.status === 502) return tx.t("errors.shopify_failed");
  if (error.status === 404) return tx.t("errors.reward_unavailable");
  if (error.status === 403) return tx.t("errors.member_excluded");
  return message || tx.t("errors.generic");
}

function CopyCode({ code, tx, id }: { code: string; tx: Texts; id: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <s-stack direction="inline" gap="base" alignItems="center">
      <s-text type="strong">{code}</s-text>
      <s-clipboard-item id={id} text={code} onCopy={() => setCopied(true)} />
      <s-button variant="secondary" commandFor={id} accessibilityLabel={tx.t("rewards.copy_code", { code })}>
        {copied ? tx.t("general.copied") : tx.t("general.copy")}
      </s-button>
    </s-stack>
  );
}

function Codes({ redemptions, tx }: { redemptions: Redemption[]; tx: Texts }) {
  return (
    <s-section heading={tx.t("sections.codes")}>
      <s-stack direction="block" gap="base">
        {redemptions.map((r) => (
          <s-stack key={r.id} direction="block" gap="small-400">
            <s-stack direction="inline" gap="small-200" alignItems="center">
              <s-text type="strong">{r.rewardName}</s-text>
              {r.status === "used" ? <s-badge>{tx.t("rewards.used")}</s-badge> : null}
            </s-stack>
            {r.code && r.status !== "used" ? <CopyCode code={r.code} tx={tx} id={`kanta-code-${r.id}`} /> : null}
            {r.code === null ? <s-text color="subdued">{tx.t("rewards.code_pending")}</s-text> : null}
            {r.expiresAt && r.status !== "used" ? <s-text color="subdued">{tx.t("rewards.expires", { date: tx.date(r.expiresAt) })}</s-text> : null}
          </s-stack>
        ))}
      </s-stack>
    </s-section>
  );
}

function Ways({ view, tx }: { view: MemberView; tx: Texts }) {
  if (!view.ways.length) return null;
  return (
    <s-section heading={tx.t("sections.ways")}>
      <s-stack direction="block" gap="small-200">
        {view.ways.map((w) => (
          <s-grid key={w.id} gridTemplateColumns="1fr auto" gap="base" alignItems="center">
            <s-text>{w.name}</s-text>
            {w.state === "done" ? (
              <s-badge tone="neutral">{tx.t("ways.done")}</s-badge>
            ) : (
              <s-text color="subdued">
                {w.earn ? tx.t("page.earn_rate", { points: tx.points(w.earn.points), amount: tx.money(w.earn.spendMinor, view.program.currencyCode) }) : tx.points(w.points)}
              </s-text>
            )}
          </s-grid>
        ))}
      </s-stack>
    </s-section>
  );
}

function Referral({ url, friends, tx }: { url: string; friends: number; tx: Texts }) {
  const [copied, setCopied] = useState(false);
  return (
    <s-section heading={tx.t("sections.referral")}>
      <s-stack direction="block" gap="small-200">
        <s-text>{tx.t("referral.text")}</s-text>
        <s-text color="subdued">{tx.t("referral.link")}</s-text>
        <s-stack direction="inline" gap="base" alignItems="center">
          <s-text type="strong">{url}</s-text>
          <s-clipboard-item id="kanta-referral-link" text={url} onCopy={() => setCopied(true)} />
          <s-button variant="secondary" commandFor="kanta-referral-link">
            {copied ? tx.t("general.copied") : tx.t("page.copy_link")}
          </s-button>
        </s-stack>
        {friends > 0 ? <s-text color="subdued">{tx.t("referral.friends_joined", { count: friends })}</s-text> : null}
      </s-stack>
    </s-section>
  );
}

function History({ view, tx }: { view: MemberView; tx: Texts }) {
  const entries = view.customer!.recentActivity;
  return (
    <s-section heading={tx.t("page.history")}>
      {entries.length === 0 ? (
        <s-text color="subdued">{tx.t("activity.empty")}</s-text>
      ) : (
        <s-stack direction="block" gap="small-200">
          {entries.map((e, i) => {
            const delta = e.points !== 0 ? e.points : e.pendingPoints;
            const sign = delta > 0 ? "+" : delta < 0 ? "−" : "";
            return (
              <s-grid key={`${e.at}-${i}`} gridTemplateColumns="1fr auto" gap="base" alignItems="center">
                <s-stack direction="block" gap="small-500">
                  <s-text>{tx.t(`activity.${e.kind}`)}</s-text>
                  <s-text color="subdued">{[tx.date(e.at), e.note].filter(Boolean).join(" · ")}</s-text>
                </s-stack>
                <s-text type="strong" tone={delta < 0 ? "critical" : e.points === 0 ? "neutral" : "success"}>
                  {sign}
                  {tx.points(Math.abs(delta))}
                  {e.points === 0 && e.pendingPoints !== 0 ? ` (${tx.t("member.pending", { count: Math.abs(e.pendingPoints) })})` : ""}
                </s-text>
              </s-grid>
            );
          })}
        </s-stack>
      )}
    </s-section>
  );
}
