import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { kantaFetch } from "../../kanta-api";
import { kantaUrl } from "./backend";
import { PointsCard, type PointsView } from "./PointsCard";
import { copyFor, roundMoney } from "./texts";

// purchase.thank-you.block.render: what this order earns. Kanta has usually not received the
// order's webhook yet, so the backend estimates it from the checkout's own figures (the
// lines after their discounts, the order's discounts, its tax) with the shop's rules and
// the member's tier; shown as pending, then asked again a few times until the real figure
// is there. A guest gets an invitation to create an account and join.

export default async () => {
  render(<ThankYou />, document.body);
};

const ASK_AGAIN_MS = 4000;
const ASK_AT_MOST = 8;

/** The order as the checkout shows it, in the checkout's currency. */
function checkoutOrder() {
  const currencyCode = shopify.cost.totalAmount.value.currencyCode;
  const orderDiscount = shopify.discountAllocations.value.reduce((sum, a) => sum + a.discountedAmount.amount, 0);
  return {
    orderId: shopify.orderConfirmation.value.order.id,
    currencyCode,
    lines: shopify.lines.value.map((line) => ({ amount: roundMoney(line.cost.totalAmount.amount, currencyCode) })),
    orderDiscount: roundMoney(orderDiscount, currencyCode),
    tax: roundMoney(shopify.cost.totalTaxAmount.value?.amount ?? 0, currencyCode),
  };
}

function ThankYou() {
  const [view, setView] = useState<PointsView>({ kind: "loading" });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async (round: number) => {
      try {
        const token = await shopify.sessionToken.get();
        const answer = await kantaFetch<PointsView>(kantaUrl("/api/checkout/order-points"), token, { method: "POST", body: checkoutOrder() });
        if (stopped) return;
        setView(answer);
        if (answer.kind === "estimate" && round < ASK_AT_MOST) timer = setTimeout(() => void ask(round + 1), ASK_AGAIN_MS);
      } catch {
        if (!stopped && round === 1) setView({ kind: "hidden" });
      }
    };
    void ask(1);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, []);
  const storefront = shopify.shop.storefrontUrl;
  return <PointsCard view={view} copy={copyFor(shopify.localization.language.value.isoCode)} joinUrl={storefront ? `${storefront.replace(/\/$/, "")}/account` : null} />;
}
