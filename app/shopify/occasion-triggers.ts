import type { FlowTriggerItem } from "./customers.server";

// Kanta's Flow triggers beside "Kanta tier changed": one per occasion kind merchants build
// workflows on (and Shopify's marketing automations, which need the customer). Each is an
// extension in extensions/kanta-<handle-without-kanta->-flow/shopify.extension.toml declaring
// the same fields (a test keeps them equal). Flow takes a customer as its numeric id
// (`customer_id`) and custom fields by their key. Pure.
// https://shopify.dev/docs/apps/build/flow/triggers/reference

export interface OccasionTriggerField {
  type: "customer_reference" | "single_line_text_field" | "number_decimal";
  key?: string;
}

export interface OccasionTrigger {
  handle: string;
  /** The extension's folder under extensions/. */
  folder: string;
  name: string;
  fields: readonly OccasionTriggerField[];
}

/** What a trigger's payload is built from: the occasion's data and the member now. */
export interface OccasionTriggerInput {
  customerGid: string;
  balance: number;
  tierName: string | null;
  data: Record<string, unknown>;
}

const customer = { type: "customer_reference" } as const;
const text = (key: string) => ({ type: "single_line_text_field", key }) as const;
const number = (key: string) => ({ type: "number_decimal", key }) as const;

export const OCCASION_FLOW_TRIGGERS = {
  points_earned: {
    handle: "kanta-points-earned",
    folder: "kanta-points-earned-flow",
    name: "Kanta points earned",
    fields: [customer, number("Points"), number("Balance"), text("Tier"), text("Order name")],
  },
  reward_redeemed: {
    handle: "kanta-reward-redeemed",
    folder: "kanta-reward-redeemed-flow",
    name: "Kanta reward redeemed",
    fields: [customer, text("Reward"), number("Points spent"), number("Balance"), text("Tier")],
  },
  points_expiring: {
    handle: "kanta-points-expiring",
    folder: "kanta-points-expiring-flow",
    name: "Kanta points expiring",
    fields: [customer, number("Points"), text("Expires on"), number("Balance"), text("Tier")],
  },
  referral_completed: {
    handle: "kanta-referral-completed",
    folder: "kanta-referral-completed-flow",
    name: "Kanta referral completed",
    fields: [customer, number("Balance"), text("Tier")],
  },
} as const satisfies Record<string, OccasionTrigger>;

export type FlowOccasionKind = keyof typeof OCCASION_FLOW_TRIGGERS;

export function isFlowOccasionKind(kind: string): kind is FlowOccasionKind {
  return Object.hasOwn(OCCASION_FLOW_TRIGGERS, kind);
}

const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Flow wants the customer's numeric id; null when it is not one Flow can take (beyond 2^53). */
function numericCustomerId(customerGid: string): number | null {
  const match = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(customerGid);
  const id = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(id) ? id : null;
}

/** The trigger and payload for an occasion; null when Flow cannot take its customer id. */
export function occasionFlowTrigger(kind: FlowOccasionKind, input: OccasionTriggerInput): FlowTriggerItem | null {
  const customerId = numericCustomerId(input.customerGid);
  if (customerId === null) return null;
  const trigger = OCCASION_FLOW_TRIGGERS[kind];
  const d = input.data;
  const common = { customer_id: customerId, Balance: input.balance, Tier: input.tierName ?? "" };
  const payload: Record<string, unknown> =
    kind === "points_earned"
      ? { ...common, Points: num(d.points), "Order name": str(d.orderName) }
      : kind === "reward_redeemed"
        ? { ...common, Reward: str(d.rewardName), "Points spent": num(d.pointsSpent) }
        : kind === "points_expiring"
          ? { ...common, Points: num(d.points), "Expires on": str(d.expiresOn) }
          : common;
  return { handle: trigger.handle, payload };
}
