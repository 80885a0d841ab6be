import { useEffect, useState } from "preact/hooks";
import { fetchMember, formatPoints, newRequestId, redeem, staffMessage, type PosMemberView, type PosRedemption, type PosReward, type PosSessionLike } from "./api";

// The redeem screen both modals show (the home tile's, for the customer on the cart, and the
// customer details' action): the member's balance and the rewards a till can hand out;
// tapping one redeems it (one request id per tap, reused on retry) and adds the member's
// Kanta code to the cart with addCartCodeDiscount. docs/decisions/0027-pos.md

export interface RedeemApi extends PosSessionLike {
  cart: {
    current: { value: { customer?: { id: number } } };
    addCartCodeDiscount(code: string): Promise<void>;
    setCustomer(customer: { id: number }): Promise<void>;
  };
  toast: { show(content: string): void };
}

type State =
  | { kind: "no_customer" }
  | { kind: "loading" }
  | { kind: "error"; heading: string; body: string }
  | { kind: "ready"; view: PosMemberView };

export function RedeemScreen({ api, customerId, onClose }: { api: RedeemApi; customerId: number | null; onClose: () => void }) {
  const [state, setState] = useState<State>(customerId ? { kind: "loading" } : { kind: "no_customer" });
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ heading: string; body: string } | null>(null);
  const [done, setDone] = useState<{ redemption: PosRedemption; applied: boolean } | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    if (!customerId) return;
    let live = true;
    setState({ kind: "loading" });
    fetchMember(api, customerId)
      .then((view) => live && setState({ kind: "ready", view }))
      .catch((error: unknown) => live && setState({ kind: "error", ...staffMessage(error) }));
    return () => {
      live = false;
    };
  }, [api, customerId, reload]);

  const choose = async (reward: PosReward) => {
    if (!customerId || busy) return;
    setBusy(reward.id);
    setFailure(null);
    try {
      const redemption = await redeem(api, { customerId, rewardId: reward.id, requestId: newRequestId() });
      let applied = false;
      if (redemption.code) {
        // The code is the member's own: the cart must carry that customer for it to apply.
        if (api.cart.current.value.customer?.id !== customerId) await api.cart.setCustomer({ id: customerId });
        await api.cart.addCartCodeDiscount(redemption.code);
        applied = true;
        api.toast.show(`${redemption.rewardName} added to the cart`);
      }
      setDone({ redemption, applied });
    } catch (error) {
      setFailure(staffMessage(error));
      setReload((n) => n + 1);
    } finally {
      setBusy(null);
    }
  };

  if (done) {
    return (
      <s-page heading="Reward redeemed">
        <s-scroll-box>
          <s-section>
            <s-stack direction="block" gap="base">
              <s-banner heading={done.applied ? `${done.redemption.rewardName} is on the cart` : "The code is on its way"} tone={done.applied ? "success" : "info"}>
                <s-text>
                  {done.applied
                    ? `${formatPoints(done.redemption.pointsSpent)} spent. Code ${done.redemption.code} applies at checkout.`
                    : "Shopify is taking longer than usual. The code appears on the customer's rewards within a few minutes; if it can't be made, the points come back."}
                </s-text>
              </s-banner>
              <s-button variant="primary" onClick={onClose}>
                Done
              </s-button>
            </s-stack>
          </s-section>
        </s-scroll-box>
      </s-page>
    );
  }

  return (
    <s-page heading="Redeem rewards">
      <s-scroll-box>
        {state.kind === "no_customer" && (
          <s-section>
            <s-banner heading="Add a customer to the cart" tone="info">
              <s-text>Rewards belong to a customer. Add the customer to the cart, then open Kanta rewards again.</s-text>
            </s-banner>
          </s-section>
        )}
        {state.kind === "loading" && (
          <s-section>
            <s-stack direction="inline" gap="base" alignItems="center">
              <s-spinner />
              <s-text>Loading the customer's rewards…</s-text>
            </s-stack>
          </s-section>
        )}
        {state.kind === "error" && (
          <s-section>
            <s-banner heading={state.heading} tone="critical">
              <s-text>{state.body}</s-text>
            </s-banner>
            <s-button onClick={() => setReload((n) => n + 1)}>Try again</s-button>
          </s-section>
        )}
        {state.kind === "ready" && <Ready view={state.view} busy={busy} failure={failure} onChoose={choose} />}
      </s-scroll-box>
    </s-page>
  );
}

function reasonText(reward: PosReward): string {
  switch (reward.reason) {
    case "insufficient_points":
      return `Needs ${formatPoints(reward.neededPoints)} more`;
    case "tier_required":
      return "Higher tier only";
    case "program_inactive":
      return "Rewards paused";
    case "member_excluded":
      return "Can't redeem";
    default:
      return "Unavailable";
  }
}

function Ready({ view, busy, failure, onChoose }: { view: PosMemberView; busy: string | null; failure: { heading: string; body: string } | null; onChoose: (r: PosReward) => void }) {
  const { member, program } = view;
  if (!member) {
    return (
      <s-section>
        <s-banner heading="Not a rewards member" tone="warning">
          <s-text>This customer hasn't joined {program.programName || "the rewards program"} yet. They join with their first order, or online.</s-text>
        </s-banner>
      </s-section>
    );
  }
  const affordable = view.rewards.filter((r) => r.redeemable);
  const others = view.rewards.filter((r) => !r.redeemable);
  return (
    <>
      <s-section heading={member.firstName ? `${member.firstName}'s rewards` : "Customer's rewards"}>
        <s-stack direction="block" gap="small">
          <s-stack direction="inline" gap="base" alignItems="center">
            <s-text type="strong">{formatPoints(member.points)}</s-text>
            {member.tier && <s-badge tone="info">{member.tier.name}</s-badge>}
          </s-stack>
          {member.pendingPoints > 0 && <s-text color="subdued">{formatPoints(member.pendingPoints)} pending</s-text>}
        </s-stack>
      </s-section>
      {program.status !== "live" && (
        <s-section>
          <s-banner heading="Rewards are paused" tone="warning">
            <s-text>The store has paused its rewards program: nothing can be redeemed until it is resumed.</s-text>
          </s-banner>
        </s-section>
      )}
      {failure && (
        <s-section>
          <s-banner heading={failure.heading} tone="critical">
            <s-text>{failure.body}</s-text>
          </s-banner>
        </s-section>
      )}
      <s-section heading={affordable.length ? "Can redeem now" : "Rewards"}>
        <s-stack direction="block" gap="base">
          {affordable.length === 0 && <s-text color="subdued">Nothing to redeem yet: the customer needs more points.</s-text>}
          {affordable.map((reward) => (
            <s-stack key={reward.id} direction="inline" gap="base" alignItems="center" justifyContent="space-between">
              <s-stack direction="block">
                <s-text type="strong">{reward.name}</s-text>
                <s-text color="subdued">
                  {reward.value} · {formatPoints(reward.pointsCost)}
                </s-text>
              </s-stack>
              <s-button variant="primary" disabled={busy !== null} onClick={() => onChoose(reward)}>
                {busy === reward.id ? "Redeeming…" : "Redeem"}
              </s-button>
            </s-stack>
          ))}
        </s-stack>
      </s-section>
      {others.length > 0 && (
        <s-section heading="Not yet">
          <s-stack direction="block" gap="base">
            {others.map((reward) => (
              <s-stack key={reward.id} direction="inline" gap="base" alignItems="center" justifyContent="space-between">
                <s-stack direction="block">
                  <s-text>{reward.name}</s-text>
                  <s-text color="subdued">
                    {reward.value} · {formatPoints(reward.pointsCost)}
                  </s-text>
                </s-stack>
                <s-badge tone="neutral">{reasonText(reward)}</s-badge>
              </s-stack>
            ))}
          </s-stack>
        </s-section>
      )}
    </>
  );
}
