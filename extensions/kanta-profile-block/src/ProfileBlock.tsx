import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { getMember, pickLanguage, texts, type MemberView } from "../../kanta-customer-account";
import { ENGLISH } from "./locales";

// customer-account.profile.block.render: the member's points and tier on the Profile page,
// with a link to Kanta's Rewards page (the full-page extension kanta-rewards-page).
export default async () => {
  render(<ProfileBlock />, document.body);
};

/** The Rewards page: a full-page extension is reached at `extension:<handle>/`. */
export const REWARDS_PAGE_URL = "extension:kanta-rewards-page/";

function ProfileBlock() {
  const locale = shopify.localization.language.value.isoCode;
  const lang = pickLanguage(locale);
  const [view, setView] = useState<MemberView | null | "error">(null);
  useEffect(() => {
    let live = true;
    shopify.sessionToken
      .get()
      .then((token) => getMember(token, locale))
      .then(
        (v) => live && setView(v),
        () => live && setView("error"),
      );
    return () => {
      live = false;
    };
  }, []);
  // Nothing to show for a shopper who is not a member, or when Kanta cannot answer: the
  // profile page stays as Shopify made it.
  if (view === "error" || (view && (!view.customer || view.customer.status !== "active"))) return null;
  const tx = view ? texts(ENGLISH, view.language ?? lang, view.program.pointsName, view.texts) : texts(ENGLISH, lang);
  const heading = view?.program.programName ?? tx.t("page.page_title");
  if (!view) {
    return (
      <s-section heading={heading}>
        <s-skeleton-paragraph />
      </s-section>
    );
  }
  const c = view.customer!;
  return (
    <s-section heading={heading}>
      <s-grid gridTemplateColumns="1fr auto" gap="base" alignItems="center">
        <s-stack direction="block" gap="small-400">
          <s-text color="subdued">{tx.t("page.available")}</s-text>
          <s-text type="strong">{tx.points(c.points)}</s-text>
          {c.pendingPoints > 0 ? <s-text color="subdued">{tx.t("member.pending", { count: c.pendingPoints })}</s-text> : null}
        </s-stack>
        <s-stack direction="block" gap="small-400" alignItems="end">
          {c.tier ? (
            <>
              <s-text color="subdued">{tx.t("member.tier")}</s-text>
              <s-badge tone="neutral">{c.tier.name}</s-badge>
            </>
          ) : null}
        </s-stack>
      </s-grid>
      <s-stack direction="block" paddingBlockStart="base">
        <s-link href={REWARDS_PAGE_URL}>{tx.t("page.view_rewards")}</s-link>
      </s-stack>
    </s-section>
  );
}
