// Options of the enrolment of existing customers (Settings' form and the run's snapshot). Pure.
import { z } from "zod";

/** Shopify's read_orders scope reaches the last 60 days of orders (older ones need read_all_orders). */
export const MAX_ENROL_ORDER_DAYS = 60;

export const enrolmentOptionsSchema = z.object({
  orderDays: z.number().int().min(0).max(MAX_ENROL_ORDER_DAYS),
  awardPoints: z.boolean(),
  signupBonus: z.boolean(),
});

export type EnrolmentOptions = z.infer<typeof enrolmentOptionsSchema>;

/** The Settings form's fields, checked: a clear message per field, nothing saved otherwise. */
export function parseEnrolmentForm(form: { orderDays?: string | null; awardPoints?: string | null; signupBonus?: string | null }):
  | { ok: true; options: EnrolmentOptions }
  | { ok: false; errors: Record<string, string> } {
  const text = (form.orderDays ?? "").trim();
  const days = text === "" ? 0 : Number(text);
  if (!Number.isInteger(days) || days < 0 || days > MAX_ENROL_ORDER_DAYS) {
    return { ok: false, errors: { enrolOrderDays: `Enter a whole number of days from 0 to ${MAX_ENROL_ORDER_DAYS}.` } };
  }
  const on = (v: string | null | undefined) => v === "on" || v === "true";
  return { ok: true, options: { orderDays: days, awardPoints: days > 0 && on(form.awardPoints), signupBonus: on(form.signupBonus) } };
}

/** A run's progress as a fraction, when it can be told (the customers phase of a run with a known total). */
export function enrolmentPhaseLabel(phase: string): string {
  if (phase === "customers") return "Enrolling customers";
  if (phase === "orders") return "Counting past orders";
  return "Done";
}

/** One enrolment run as Settings shows it. */
export interface EnrolmentRunView {
  id: string;
  trigger: string;
  status: string;
  phase: string;
  phaseTotal: number | null;
  customersSeen: number;
  enrolled: number;
  alreadyMembers: number;
  excludedSkipped: number;
  ordersSeen: number;
  ordersCounted: number;
  pointsAwarded: number;
  lastError: string | null;
  options: EnrolmentOptions;
  createdAt: string;
  finishedAt: string | null;
}

/** Settings' "Existing customers" card: the saved options, the run in progress and the last finished one. */
export interface EnrolmentCard {
  options: EnrolmentOptions;
  active: EnrolmentRunView | null;
  last: EnrolmentRunView | null;
}

/** What Settings' "enrol" action answers (the card reads its message or the field's error). */
export type EnrolmentActionResult = { ok: true; message: string } | { ok: false; errors: { enrolOrderDays?: string } };
