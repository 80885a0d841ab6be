import type { Copy } from "./texts";

// What Kanta's backend answers (app/loyalty/orders/points-on-order.server.ts), and the one
// card both targets render it with. "hidden" renders nothing: a paused program, an excluded
// member or a failed request never shows the shopper anything wrong.

export type PointsView =
  | { kind: "hidden" }
  | { kind: "loading" }
  | { kind: "invite"; signupBonus: number; rate: { points: number; spendMinor: number } | null; currencyCode: string }
  | { kind: "estimate"; points: number | null; signupBonus: number; member: boolean }
  | { kind: "earned"; points: number; pendingPoints: number; availableAt: string | null }
  | { kind: "processing" };

export function PointsCard(props: { view: PointsView; copy: Copy; joinUrl?: string | null }) {
  const { view, copy } = props;
  if (view.kind === "hidden") return null;
  if (view.kind === "loading") {
    return (
      <s-section heading={copy.text("heading")}>
        <s-skeleton-paragraph />
      </s-section>
    );
  }
  if (view.kind === "invite") {
    return (
      <s-section heading={copy.text("inviteHeading")}>
        <s-stack gap="base">
          <s-paragraph>{view.signupBonus > 0 ? copy.text("inviteBonus", { points: copy.points(view.signupBonus) }) : copy.text("inviteText")}</s-paragraph>
          {view.rate ? (
            <s-paragraph color="subdued">{copy.text("inviteRate", { points: copy.points(view.rate.points), amount: copy.money(view.rate.spendMinor, view.currencyCode) })}</s-paragraph>
          ) : null}
          {props.joinUrl ? (
            <s-button variant="primary" href={props.joinUrl}>
              {copy.text("inviteButton")}
            </s-button>
          ) : null}
        </s-stack>
      </s-section>
    );
  }
  if (view.kind === "processing") {
    return (
      <s-section heading={copy.text("heading")}>
        <s-paragraph color="subdued">{copy.text("processing")}</s-paragraph>
      </s-section>
    );
  }
  if (view.kind === "estimate") {
    return (
      <s-section heading={copy.text("heading")}>
        <s-stack gap="small-200">
          {view.points !== null && view.points > 0 ? (
            <>
              <s-stack direction="inline" gap="small-200" alignItems="center">
                <s-text type="strong">{copy.text("willEarn", { points: copy.points(view.points) })}</s-text>
                <s-badge icon="clock">{copy.text("pending")}</s-badge>
              </s-stack>
              <s-paragraph color="subdued">{copy.text("estimateNote")}</s-paragraph>
            </>
          ) : (
            <s-paragraph color="subdued">{copy.text("estimateUnknown")}</s-paragraph>
          )}
          {view.signupBonus > 0 ? <s-paragraph>{copy.text("joinBonus", { points: copy.points(view.signupBonus) })}</s-paragraph> : null}
        </s-stack>
      </s-section>
    );
  }
  const pending = view.pendingPoints > 0;
  return (
    <s-section heading={copy.text("heading")}>
      <s-stack gap="small-200">
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-text type="strong">{copy.text("earned", { points: copy.points(view.points) })}</s-text>
          <s-badge icon={pending ? "clock" : "check-circle"}>{copy.text(pending ? "pending" : "available")}</s-badge>
        </s-stack>
        <s-paragraph color="subdued">{pending && view.availableAt ? copy.text("availableOn", { date: copy.date(view.availableAt) }) : copy.text("availableNow")}</s-paragraph>
      </s-stack>
    </s-section>
  );
}
