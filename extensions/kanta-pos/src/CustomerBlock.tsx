import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { fetchMember, formatPoints, staffMessage, type PosMemberView } from "./api";

// pos.customer-details.block.render: the member's points and tier on the customer's details,
// with what they can redeem now (the action opens the redeem modal).
export default async () => {
  render(<CustomerBlock />, document.body);
};

function CustomerBlock() {
  const [view, setView] = useState<PosMemberView | null>(null);
  const [error, setError] = useState<{ heading: string; body: string } | null>(null);
  useEffect(() => {
    fetchMember(shopify, shopify.customer.id)
      .then(setView)
      .catch((e: unknown) => setError(staffMessage(e)));
  }, []);
  const member = view?.member;
  const affordable = view ? view.rewards.filter((r) => r.redeemable).length : 0;
  return (
    <s-pos-block heading="Kanta rewards">
      {member && (
        <s-button slot="secondary-actions" disabled={affordable === 0} onClick={() => shopify.action.presentModal()}>
          Redeem rewards
        </s-button>
      )}
      <s-stack direction="block" gap="small">
        {!view && !error && <s-text color="subdued">Loading…</s-text>}
        {error && (
          <s-text tone="critical">
            {error.heading}: {error.body}
          </s-text>
        )}
        {view && !member && <s-text color="subdued">Not a rewards member yet.</s-text>}
        {member && (
          <>
            <s-stack direction="inline" gap="base" alignItems="center">
              <s-text type="strong">{formatPoints(member.points)}</s-text>
              {member.tier && <s-badge tone="info">{member.tier.name}</s-badge>}
              {view.program.status !== "live" && <s-badge tone="warning">Rewards paused</s-badge>}
            </s-stack>
            {member.pendingPoints > 0 && <s-text color="subdued">{formatPoints(member.pendingPoints)} pending</s-text>}
            <s-text color="subdued">
              {affordable === 0 ? "No reward affordable yet" : `${affordable} ${affordable === 1 ? "reward" : "rewards"} to redeem now`}
              {member.nextTier ? ` · next tier: ${member.nextTier.name}` : ""}
            </s-text>
          </>
        )}
      </s-stack>
    </s-pos-block>
  );
}
