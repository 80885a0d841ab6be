import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { fetchMember, formatPoints } from "./api";

// pos.home.tile.render: "Kanta rewards" on the smart grid. With a customer on the cart it
// shows their balance and how many rewards they can afford; without one it is disabled.
export default async () => {
  render(<Tile />, document.body);
};

function Tile() {
  const [customerId, setCustomerId] = useState<number | null>(shopify.cart.current.value.customer?.id ?? null);
  const [line, setLine] = useState<{ subheading: string; count: number } | null>(null);
  useEffect(() => shopify.cart.current.subscribe((cart) => setCustomerId(cart.customer?.id ?? null)), []);
  useEffect(() => {
    setLine(null);
    if (!customerId) return;
    let live = true;
    fetchMember(shopify, customerId)
      .then((view) => {
        if (!live) return;
        if (!view.member) setLine({ subheading: "Not a member", count: 0 });
        else setLine({ subheading: formatPoints(view.member.points), count: view.rewards.filter((r) => r.redeemable).length });
      })
      .catch(() => live && setLine({ subheading: "Tap to retry", count: 0 }));
    return () => {
      live = false;
    };
  }, [customerId]);
  return (
    <s-tile
      heading="Kanta rewards"
      subheading={customerId ? (line?.subheading ?? "Loading…") : "Add a customer"}
      itemCount={line?.count || undefined}
      disabled={!customerId}
      onClick={() => shopify.action.presentModal()}
    />
  );
}
