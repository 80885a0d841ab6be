import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { RedeemScreen } from "./RedeemScreen";

// pos.customer-details.action.render: redeeming for the customer whose details are open
// (their code needs them on the cart: RedeemScreen sets them as the cart's customer first).
export default async () => {
  render(<RedeemScreen api={shopify} customerId={shopify.customer.id} onClose={() => window.close()} />, document.body);
};
