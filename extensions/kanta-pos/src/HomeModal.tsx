import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { RedeemScreen } from "./RedeemScreen";

// pos.home.modal.render: the tile's modal, for the customer on the current cart.
export default async () => {
  render(<HomeModal />, document.body);
};

function HomeModal() {
  const [customerId, setCustomerId] = useState<number | null>(shopify.cart.current.value.customer?.id ?? null);
  useEffect(() => shopify.cart.current.subscribe((cart) => setCustomerId(cart.customer?.id ?? null)), []);
  return <RedeemScreen api={shopify} customerId={customerId} onClose={() => window.close()} />;
}
