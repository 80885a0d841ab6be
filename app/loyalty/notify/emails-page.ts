import type { WidgetLanguage } from "../program/settings";
import type { EmailSettingsView } from "./email-settings";
import type { EmailOccasionKind, EmailText } from "./email-texts";
import type { OccasionData } from "./occasions";

// What the admin's Emails page says about each occasion, and the example data its preview
// and test send use, and the shapes of the page's data and its answers. Pure: the page
// (browser code) imports it.

export interface DeliveryLogRow {
  id: string;
  kind: string;
  status: string;
  recipient: string | null;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
  nextAttemptAt: string;
}

export interface EmailsPageData {
  settings: EmailSettingsView;
  defaults: Record<EmailOccasionKind, Record<WidgetLanguage, EmailText>>;
  placeholders: Record<EmailOccasionKind, string[]>;
  languages: { code: WidgetLanguage; label: string }[];
  primaryLanguage: WidgetLanguage;
  log: DeliveryLogRow[];
  counts: Record<string, number>;
  filter: { status: string | null; kind: string | null };
  smtpConfigured: boolean;
  mailFrom: string;
  hourlyCap: number;
}

/** What the Emails page's action answers, by intent. */
export type EmailsActionResult =
  | { intent: "occasion" | "sender"; ok: true }
  | { intent: "occasion" | "sender"; ok: false; errors: Record<string, string> }
  | { intent: "test"; ok: true; to: string }
  | { intent: "test"; ok: false; error: string };

/** What POST /app/emails/preview answers: the rendered draft, or why it was not rendered. */
export type EmailPreviewResult = { subject: string; html: string; text: string; from: string } | { error: string };

/** A draft the page sends to preview or to test: one occasion's text in one language. */
export interface EmailDraft {
  kind: EmailOccasionKind;
  language: WidgetLanguage;
  text: EmailText;
}


/** The page's data as the loader serialises it (with the signed-in staff member's email). */
export type EmailsPageView = EmailsPageData & { staffEmail: string };

export const OCCASION_LABELS: Record<EmailOccasionKind, { title: string; when: string }> = {
  welcome: { title: "Welcome", when: "A customer joins the program." },
  points_earned: { title: "Points earned", when: "An order's points become spendable (after the pending period, so refunded orders announce nothing)." },
  reward_affordable: { title: "Reward within reach", when: "The balance now covers a reward it did not cover before." },
  points_expiring: { title: "Points expiring", when: "Points expire soon (sent once per expiry)." },
  tier_reached: { title: "Tier reached", when: "A member moves up a tier." },
  tier_kept: { title: "Tier kept", when: "The tier review keeps a member's tier." },
  tier_lowered: { title: "Tier lowered", when: "The tier review moves a member down." },
  referral_reward: { title: "Referral reward", when: "A friend's first order earns the referrer a reward." },
  friend_welcome_code: { title: "Friend's welcome code", when: "A referred friend claims their welcome discount." },
  birthday: { title: "Birthday", when: "On the member's birthday, in your shop's time zone." },
  anniversary: { title: "Membership anniversary", when: "Each year on the day the member joined." },
  winback: { title: "Win-back", when: "No order for a while." },
  surprise: { title: "Surprise", when: "A member is picked for a surprise (Surprises page)." },
};

export const SAMPLE_OCCASION_DATA: { [K in EmailOccasionKind]: OccasionData<K> } = {
  welcome: { points: 100 },
  points_earned: { points: 120, orderName: "#1042" },
  reward_affordable: { rewardId: "sample", rewardName: "€5 off your order", pointsCost: 500 },
  points_expiring: { points: 300, expiresOn: "2027-01-31" },
  tier_reached: { tierName: "Gold", fromTierName: "Silver" },
  tier_kept: { tierName: "Gold", until: "2027-12-31" },
  tier_lowered: { fromTierName: "Gold", tierName: "Silver" },
  referral_reward: { points: 500, friendName: "Mikko" },
  friend_welcome_code: { code: "FRIEND-7Q2K", rewardText: "10% off", referrerName: "Aino" },
  birthday: { points: 200 },
  anniversary: { years: 2, points: 100 },
  winback: { days: 120, points: 150 },
  surprise: { surpriseName: "Free coffee Friday", points: 250 },
};

export const SAMPLE_MEMBER = {
  firstName: "Aino",
  points: 1250,
  tier: { name: "Silver", next: { name: "Gold", remaining: 8000, basis: "spend" as const } },
};
