import "@shopify/ui-extensions/preact";
import { render } from "preact";

// pos.customer-details.action.menu-item.render: "Redeem rewards" in the customer's action menu.
export default async () => {
  render(<s-button onClick={() => shopify.action.presentModal()}>Redeem rewards</s-button>, document.body);
};
