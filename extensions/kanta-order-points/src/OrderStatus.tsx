import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { kantaFetch } from "../../kanta-api";
import { kantaUrl } from "./backend";
import { PointsCard, type PointsView } from "./PointsCard";
import { copyFor } from "./texts";

// customer-account.order-status.block.render: "You earned N points on this order", pending
// (with the day they become spendable) or available. Only the signed-in customer's own order.

export default async () => {
  render(<OrderStatus />, document.body);
};

function OrderStatus() {
  const [view, setView] = useState<PointsView>({ kind: "loading" });
  const orderId = shopify.order.value?.id;
  useEffect(() => {
    if (!orderId) {
      setView({ kind: "hidden" });
      return;
    }
    let stopped = false;
    void (async () => {
      try {
        const token = await shopify.sessionToken.get();
        const answer = await kantaFetch<PointsView>(kantaUrl(`/api/customer-account/order-points?order=${encodeURIComponent(orderId)}`), token);
        if (!stopped) setView(answer);
      } catch {
        if (!stopped) setView({ kind: "hidden" });
      }
    })();
    return () => {
      stopped = true;
    };
  }, [orderId]);
  return <PointsCard view={view} copy={copyFor(shopify.localization.language.value.isoCode)} />;
}
